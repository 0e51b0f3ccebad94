/*
 * mapisync.h: Outlook's IMAPISyncProgressCallback, IMAPISync and MAPISIB for C and C++, and the
 * C API of libmapisync (events, callbacks from C functions, a recording callback, a sync test).
 *
 * No Microsoft header declares these interfaces. The declarations below follow the Outlook MAPI
 * reference (IMAPISyncProgressCallback : IUnknown, IMAPISync : IUnknown, MAPISIB, the SYNC_*
 * constants), slot for slot, in the form MIDL gives C (a struct whose first field is lpVtbl,
 * `This` first) and C++ (pure-virtual classes, no virtual destructor). Both forms have one
 * layout and calling convention, that of the Rust crate's `mapisync::abi`; the static asserts at
 * the end of this file pin every size and offset.
 *
 * Valid C11 and C++11. Off Windows this header declares the COM base types itself; on Windows it
 * takes them from <windows.h> and <unknwn.h>, and it coexists with <mapidefs.h>/<mapicode.h>
 * in any include order. The declarations alone need no library (a provider built for a real
 * Outlook includes this header and links nothing of mapisync); the mapisync_* functions are in
 * libmapisync (pkg-config: mapisync). Guide: docs/c-and-cpp.md.
 */
#ifndef MAPISYNC_H
#define MAPISYNC_H

#include <stddef.h>
#include <stdint.h>

/* The version of the header, the library and mapisync.pc: the Rust crate's. */
#define MAPISYNC_VERSION_MAJOR 0
#define MAPISYNC_VERSION_MINOR 1
#define MAPISYNC_VERSION_PATCH 0
#define MAPISYNC_VERSION_STRING "0.1.0"

/* ---- COM base types ------------------------------------------------------------------------ */

#if defined(_WIN32)

#include <windows.h>
#include <unknwn.h>
/* MAPI's HRESULT macros: taken from the SDK's header when it has one, so that a later
 * #include <mapicode.h> is a no-op rather than a redefinition. */
#if defined(__has_include)
#if __has_include(<mapicode.h>)
#include <mapicode.h>
#endif
#endif

#else /* not Windows: the base types, as Windows defines them */

typedef int32_t HRESULT;   /* 32-bit signed, as on Windows */
typedef uint32_t ULONG;    /* 32-bit on every target, never `unsigned long` */
typedef void *HANDLE;
#if defined(__cplusplus)
typedef char16_t WCHAR;    /* UTF-16 code unit; u"..." literals are WCHAR strings */
#else
typedef uint16_t WCHAR;    /* UTF-16 code unit, never wchar_t (32-bit off Windows) */
#endif

#ifndef STDMETHODCALLTYPE
#define STDMETHODCALLTYPE  /* the platform C convention off Windows (Rust: extern "system") */
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif
typedef GUID IID;
#if defined(__cplusplus)
typedef const IID &REFIID;
#else
typedef const IID *REFIID;
#endif

/* IID comparison, as Windows offers it: IsEqualGUID/IsEqualIID take pointers in C and references
 * in C++, where GUIDs also compare with == and !=. */
static inline int mapisync_guid_equal(const GUID *a, const GUID *b) {
    int i;
    if (a->Data1 != b->Data1 || a->Data2 != b->Data2 || a->Data3 != b->Data3) {
        return 0;
    }
    for (i = 0; i < 8; i++) {
        if (a->Data4[i] != b->Data4[i]) {
            return 0;
        }
    }
    return 1;
}
#if defined(__cplusplus)
inline bool operator==(const GUID &a, const GUID &b) { return mapisync_guid_equal(&a, &b) != 0; }
inline bool operator!=(const GUID &a, const GUID &b) { return !(a == b); }
inline bool IsEqualGUID(const GUID &a, const GUID &b) { return a == b; }
#else
#define IsEqualGUID(a, b) mapisync_guid_equal((a), (b))
#endif
#define IsEqualIID(a, b) IsEqualGUID(a, b)

#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif

#if defined(__cplusplus)
struct IUnknown {
    virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) = 0;
    virtual ULONG STDMETHODCALLTYPE AddRef(void) = 0;
    virtual ULONG STDMETHODCALLTYPE Release(void) = 0;
};
#else
typedef struct IUnknown IUnknown;
typedef struct IUnknownVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IUnknown *This);
    ULONG (STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;
struct IUnknown {
    const IUnknownVtbl *lpVtbl;
};
#endif
typedef IUnknown *LPUNKNOWN;

/* {00000000-0000-0000-C000-000000000046}. Internal linkage: one copy per translation unit that
 * uses it, no symbol to link, in C and C++ alike. Compare IIDs by value (memcmp or ==). */
static const IID IID_IUnknown = {0x00000000, 0x0000, 0x0000,
                                 {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

#endif /* not Windows */

/* ---- HRESULTs (spec: the codes a sync provider and its host meet) ---------------------------
 * Each is guarded: whichever of this header, <winerror.h> or <mapicode.h> defines it first wins,
 * and all agree on the value. */

#define MAPISYNC_HR(x) ((HRESULT)(x))

#ifndef S_OK
#define S_OK MAPISYNC_HR(0x00000000L)
#endif
#ifndef S_FALSE
#define S_FALSE MAPISYNC_HR(0x00000001L)
#endif
#ifndef E_NOTIMPL
#define E_NOTIMPL MAPISYNC_HR(0x80004001UL)
#endif
#ifndef E_NOINTERFACE
#define E_NOINTERFACE MAPISYNC_HR(0x80004002UL)
#endif
#ifndef E_POINTER
#define E_POINTER MAPISYNC_HR(0x80004003UL)
#endif
#ifndef E_ABORT
#define E_ABORT MAPISYNC_HR(0x80004004UL)
#endif
#ifndef E_FAIL
#define E_FAIL MAPISYNC_HR(0x80004005UL)
#endif
#ifndef E_UNEXPECTED
#define E_UNEXPECTED MAPISYNC_HR(0x8000FFFFUL)
#endif
#ifndef E_ACCESSDENIED
#define E_ACCESSDENIED MAPISYNC_HR(0x80070005UL)
#endif
#ifndef E_HANDLE
#define E_HANDLE MAPISYNC_HR(0x80070006UL)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY MAPISYNC_HR(0x8007000EUL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG MAPISYNC_HR(0x80070057UL)
#endif
#ifndef MAPI_E_CALL_FAILED
#define MAPI_E_CALL_FAILED E_FAIL
#endif
#ifndef MAPI_E_NOT_ENOUGH_MEMORY
#define MAPI_E_NOT_ENOUGH_MEMORY E_OUTOFMEMORY
#endif
#ifndef MAPI_E_INVALID_PARAMETER
#define MAPI_E_INVALID_PARAMETER E_INVALIDARG
#endif
#ifndef MAPI_E_INTERFACE_NOT_SUPPORTED
#define MAPI_E_INTERFACE_NOT_SUPPORTED E_NOINTERFACE
#endif
#ifndef MAPI_E_NO_ACCESS
#define MAPI_E_NO_ACCESS E_ACCESSDENIED
#endif
#ifndef MAPI_E_NO_SUPPORT
#define MAPI_E_NO_SUPPORT MAPISYNC_HR(0x80040102UL)
#endif
#ifndef MAPI_E_UNKNOWN_FLAGS
#define MAPI_E_UNKNOWN_FLAGS MAPISYNC_HR(0x80040106UL)
#endif
#ifndef MAPI_E_BUSY
#define MAPI_E_BUSY MAPISYNC_HR(0x8004010BUL)
#endif
#ifndef MAPI_E_NOT_FOUND
#define MAPI_E_NOT_FOUND MAPISYNC_HR(0x8004010FUL)
#endif
#ifndef MAPI_E_USER_CANCEL
#define MAPI_E_USER_CANCEL MAPISYNC_HR(0x80040113UL)
#endif
#ifndef MAPI_E_NETWORK_ERROR
#define MAPI_E_NETWORK_ERROR MAPISYNC_HR(0x80040115UL)
#endif
#ifndef MAPI_E_END_OF_SESSION
#define MAPI_E_END_OF_SESSION MAPISYNC_HR(0x80040200UL)
#endif
#ifndef MAPI_E_TIMEOUT
#define MAPI_E_TIMEOUT MAPISYNC_HR(0x80040401UL)
#endif
#ifndef MAPI_E_CANCEL
#define MAPI_E_CANCEL MAPISYNC_HR(0x80040501UL)
#endif
#ifndef MAPI_W_ERRORS_RETURNED
#define MAPI_W_ERRORS_RETURNED MAPISYNC_HR(0x00040380L)
#endif
#ifndef MAPI_W_PARTIAL_COMPLETION
#define MAPI_W_PARTIAL_COMPLETION MAPISYNC_HR(0x00040680L)
#endif
#ifndef SYNC_E_IGNORE
#define SYNC_E_IGNORE MAPISYNC_HR(0x80040801UL)
#endif
#ifndef SYNC_E_CONFLICT
#define SYNC_E_CONFLICT MAPISYNC_HR(0x80040802UL)
#endif
#ifndef SYNC_W_PROGRESS
#define SYNC_W_PROGRESS MAPISYNC_HR(0x00040820L)
#endif

/* ---- SYNC_* flags of MAPISIB.ulFlags (distinct bits; hosts combine them) -------------------- */

#ifndef SYNC_UPLOAD_HIERARCHY
#define SYNC_UPLOAD_HIERARCHY ((ULONG)0x00000001)
#endif
#ifndef SYNC_DOWNLOAD_HIERARCHY
#define SYNC_DOWNLOAD_HIERARCHY ((ULONG)0x00000002)
#endif
#ifndef SYNC_UPLOAD_CONTENTS
#define SYNC_UPLOAD_CONTENTS ((ULONG)0x00000040)
#endif
#ifndef SYNC_DOWNLOAD_CONTENTS
#define SYNC_DOWNLOAD_CONTENTS ((ULONG)0x00000080)
#endif
#ifndef SYNC_OUTGOING_MAIL
#define SYNC_OUTGOING_MAIL ((ULONG)0x00000200) /* documented as not in use */
#endif
#ifndef SYNC_BACKGROUND
#define SYNC_BACKGROUND ((ULONG)0x00001000)
#endif
#ifndef SYNC_THESE_FOLDERS
#define SYNC_THESE_FOLDERS ((ULONG)0x00020000)
#endif
#ifndef SYNC_GLOBAL_HEADERS
#define SYNC_GLOBAL_HEADERS ((ULONG)0x02000000)
#endif
#ifndef SYNC_HEADERS
#define SYNC_HEADERS SYNC_GLOBAL_HEADERS
#endif
#ifndef SYNC_ON_DEMAND
#define SYNC_ON_DEMAND ((ULONG)0x20000000)
#endif

/* ---- The interfaces ------------------------------------------------------------------------ */

/* {5024A386-2D44-486A-81A8-8F0ECB6071DD} and {5024A385-2D44-486A-81A8-8F0ECB6071DD}.
 * Internal linkage, as IID_IUnknown above: no symbol, no library needed. */
static const IID IID_IMAPISyncProgressCallback = {
    0x5024A386, 0x2D44, 0x486A, {0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71, 0xDD}};
static const IID IID_IMAPISync = {
    0x5024A385, 0x2D44, 0x486A, {0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71, 0xDD}};

#if defined(__cplusplus)

/* Implemented by Outlook (the host), called by the store provider from its worker thread. */
struct IMAPISyncProgressCallback : public IUnknown {
    /* The step under way (NULL: position only), at ulIndex of ulIndexMax. */
    virtual HRESULT STDMETHODCALLTYPE Progress(const WCHAR *pwcszProgress, ULONG ulIndex,
                                               ULONG ulIndexMax) = 0;
    /* An error, or a warning (MAPI_W_*), with text to display (NULL: none). */
    virtual HRESULT STDMETHODCALLTYPE Error(HRESULT hResult, const WCHAR *pwcszErrorStr) = 0;
    /* Finished with hResult. The done event's handle goes back to the host, which closes it
       (NULL: the provider keeps the event and closes it itself); docs/c-and-cpp.md, "Who owns what". */
    virtual HRESULT STDMETHODCALLTYPE Done(HANDLE hThreadDoneEvent, HRESULT hResult) = 0;
};

struct _MAPISIB;

/* Implemented on the store object by the provider, called by Outlook. */
struct IMAPISync : public IUnknown {
    virtual HRESULT STDMETHODCALLTYPE SynchronizeInBackground(struct _MAPISIB *psibpb) = 0;
};

#else /* C */

typedef struct IMAPISyncProgressCallback IMAPISyncProgressCallback;
typedef struct IMAPISyncProgressCallbackVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IMAPISyncProgressCallback *This, REFIID riid,
                                                void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IMAPISyncProgressCallback *This);
    ULONG (STDMETHODCALLTYPE *Release)(IMAPISyncProgressCallback *This);
    HRESULT (STDMETHODCALLTYPE *Progress)(IMAPISyncProgressCallback *This,
                                          const WCHAR *pwcszProgress, ULONG ulIndex,
                                          ULONG ulIndexMax);
    HRESULT (STDMETHODCALLTYPE *Error)(IMAPISyncProgressCallback *This, HRESULT hResult,
                                       const WCHAR *pwcszErrorStr);
    HRESULT (STDMETHODCALLTYPE *Done)(IMAPISyncProgressCallback *This, HANDLE hThreadDoneEvent,
                                      HRESULT hResult);
} IMAPISyncProgressCallbackVtbl;
struct IMAPISyncProgressCallback {
    const IMAPISyncProgressCallbackVtbl *lpVtbl;
};

struct _MAPISIB;

typedef struct IMAPISync IMAPISync;
typedef struct IMAPISyncVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IMAPISync *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IMAPISync *This);
    ULONG (STDMETHODCALLTYPE *Release)(IMAPISync *This);
    HRESULT (STDMETHODCALLTYPE *SynchronizeInBackground)(IMAPISync *This,
                                                         struct _MAPISIB *psibpb);
} IMAPISyncVtbl;
struct IMAPISync {
    const IMAPISyncVtbl *lpVtbl;
};

#endif /* C */

typedef IMAPISyncProgressCallback *LPMAPISYNCPROGRESSCALLBACK;
typedef IMAPISync *LPMAPISYNC;

/* What Outlook passes to SynchronizeInBackground. Natural C layout: 32 bytes on 64-bit targets,
 * 20 on 32-bit ones. */
typedef struct _MAPISIB {
    ULONG ulSize;             /* sizeof(MAPISIB) */
    ULONG ulFlags;            /* SYNC_* bits */
    IUnknown *psesSync;       /* [in] LPMAPISESSION: the MAPI session (IUnknown-derived) */
    IUnknown *punkCallBack;   /* [in] QueryInterface it for IID_IMAPISyncProgressCallback */
    HANDLE *phSyncDoneEvent;  /* [out] receives the done event, signalled when the work ends */
} MAPISIB, *PMAPISIB;

#if defined(__cplusplus) && defined(__CRT_UUID_DECL)
/* MinGW: __uuidof(IMAPISync), IID_PPV_ARGS and friends. */
__CRT_UUID_DECL(IMAPISyncProgressCallback, 0x5024A386, 0x2D44, 0x486A, 0x81, 0xA8, 0x8F, 0x0E,
                0xCB, 0x60, 0x71, 0xDD)
__CRT_UUID_DECL(IMAPISync, 0x5024A385, 0x2D44, 0x486A, 0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71,
                0xDD)
#endif

/* ---- libmapisync ---------------------------------------------------------------------------
 * Every function: the platform's C calling convention, safe from any thread, never lets a panic
 * through (E_UNEXPECTED). A NULL where an object or out-pointer is required is E_POINTER, another
 * bad argument E_INVALIDARG, a HANDLE that is not an open event (NULL included) E_HANDLE. On any
 * failure nothing is written through an out-pointer except NULL, and nothing leaks. */

#if defined(__cplusplus)
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the library, static storage. */
const char *mapisync_version(void);

/* "MAPI_E_USER_CANCEL" for 0x80040113; the first name where a code has two (E_FAIL, not
 * MAPI_E_CALL_FAILED); NULL for a code with no name. Static storage. */
const char *mapisync_hresult_name(HRESULT hr);

/* Event handles. Off Windows: mapisync's emulated events (mapisync_win32.h gives them the Win32
 * names). On Windows: real kernel events, made with CreateEventW, so a handle can go to a real
 * Outlook; the functions below take any event handle there, CreateEventW's included. The creator
 * closes an event, unless it hands the handle on: a provider passes its done event to Done, and
 * the host closes it. */
HRESULT mapisync_event_create(int manual_reset, int initially_set, HANDLE *out);
HRESULT mapisync_event_set(HANDLE event);
HRESULT mapisync_event_reset(HANDLE event);
/* S_OK once the event is set (an auto-reset event is reset again); MAPI_E_TIMEOUT when
 * timeout_ms passed first; 0xFFFFFFFF waits for ever. */
HRESULT mapisync_event_wait(HANDLE event, uint32_t timeout_ms);
/* E_HANDLE when unknown or already closed. */
HRESULT mapisync_event_close(HANDLE event);
/* Events made by mapisync and not yet closed through mapisync_event_close. */
size_t mapisync_event_open_count(void);

/* An IMAPISyncProgressCallback made from C functions: mapisync's object (exact reference count,
 * one identity, any thread), the behaviour the caller's. Each slot returns exactly what its
 * function returned (S_FALSE included); a NULL slot answers S_OK. Text reaches the function as
 * the provider passed it. `destroy`, if not NULL, is called exactly once with `context` when the
 * last reference goes, on whichever thread released it; when mapisync_callback_new fails it is
 * not called (the context stays the caller's). *fns is copied. On success *out holds one
 * reference. */
typedef struct mapisync_callback_fns {
    HRESULT (*progress)(void *context, const WCHAR *text, ULONG index, ULONG index_max);
    HRESULT (*error)(void *context, HRESULT hr, const WCHAR *text);
    HRESULT (*done)(void *context, HANDLE event, HRESULT hr);
    void (*destroy)(void *context);
} mapisync_callback_fns;
HRESULT mapisync_callback_new(const mapisync_callback_fns *fns, void *context,
                              IMAPISyncProgressCallback **out);

/* The test kit: a recording Outlook-side callback with scripted answers. */
typedef struct mapisync_recorder mapisync_recorder;
typedef enum mapisync_slot {
    MAPISYNC_SLOT_PROGRESS = 0,
    MAPISYNC_SLOT_ERROR = 1,
    MAPISYNC_SLOT_DONE = 2
} mapisync_slot;
HRESULT mapisync_recorder_new(mapisync_recorder **out);
/* NULL is a no-op. References a provider still holds on the callback stay valid. */
void mapisync_recorder_free(mapisync_recorder *recorder);
/* Calls first..=last of `slot` (counted from 1, per slot; last = UINT64_MAX: from first on)
 * answer `answer`, a failure code. The first rule covering a call decides; calls no rule covers
 * answer S_OK. A success code, first == 0 or first > last is E_INVALIDARG. Rules may be added
 * while a provider runs. */
HRESULT mapisync_recorder_answer(mapisync_recorder *recorder, mapisync_slot slot,
                                 uint64_t first, uint64_t last, HRESULT answer);
/* The user presses Cancel at the nth Progress: MAPI_E_USER_CANCEL from the nth on (n >= 1). */
HRESULT mapisync_recorder_cancel_progress_from(mapisync_recorder *recorder, uint64_t n);
/* Borrowed: the recorder keeps its own reference; AddRef what you keep. NULL for NULL. */
IMAPISyncProgressCallback *mapisync_recorder_callback(mapisync_recorder *recorder);
/* Calls recorded (refused ones included); 0 for NULL. */
size_t mapisync_recorder_count(const mapisync_recorder *recorder);
typedef struct mapisync_record {
    uint64_t seq;          /* 0, 1, ... in the order the calls arrived (the Rust kit's seq) */
    mapisync_slot slot;
    int refused;           /* nonzero: refused before reaching the recorder (text too long) */
    ULONG index;           /* Progress */
    ULONG index_max;       /* Progress */
    HRESULT hr;            /* Error, Done */
    HANDLE event;          /* Done */
    const WCHAR *text;     /* a NUL-terminated copy, or NULL for no text; lives as long as the
                              recorder */
    size_t text_len;       /* code units, without the NUL */
    HRESULT answer;        /* what the recorder answered */
} mapisync_record;
/* The ith record, from 0. E_INVALIDARG when i >= count; *out is untouched on failure. */
HRESULT mapisync_recorder_get(const mapisync_recorder *recorder, size_t i, mapisync_record *out);
/* References the provider still holds on the recorder's callback; 0 for NULL. */
uint32_t mapisync_recorder_outstanding_references(const mapisync_recorder *recorder);

/* One synchronization driven as Outlook drives it, then judged: QueryInterface `store` for
 * IMAPISync, SynchronizeInBackground with `flags` and the recorder's callback, wait for the done
 * event (up to timeout_ms), check Done, close the event, then check the protocol and leaks.
 * S_OK whenever the run took place, whatever its verdict (a store without IMAPISync or one that
 * fails to start is a finding, not a failure of this call). `flags` go to the store as they
 * are. Use a fresh recorder per run: the verdict covers everything it recorded. */
typedef struct mapisync_run mapisync_run;
HRESULT mapisync_sync_test(IUnknown *store, ULONG flags, mapisync_recorder *recorder,
                           uint32_t timeout_ms, mapisync_run **out);
/* Nonzero when nothing fails the run (protocol, host, leaks); 0 for NULL. */
int mapisync_run_passed(const mapisync_run *run, int strict);
/* The findings that fail the run: errors; with strict nonzero, warnings too. 0 for NULL. */
size_t mapisync_run_finding_count(const mapisync_run *run, int strict);
/* UTF-8, for a test's failure message: the findings, the host's report and the call log.
 * Owned by the run; NULL for NULL. */
const char *mapisync_run_report(const mapisync_run *run);
/* The HRESULT the provider passed to Done, E_UNEXPECTED when Done never came; E_POINTER for
 * NULL. */
HRESULT mapisync_run_final_status(const mapisync_run *run);
/* NULL is a no-op. */
void mapisync_run_free(mapisync_run *run);
/* What SynchronizeInBackground returned; E_NOINTERFACE (what QueryInterface answered) when the
 * store has no IMAPISync; E_POINTER for NULL. */
HRESULT mapisync_run_start_status(const mapisync_run *run);

/* ---- Findings, structured ---- */

typedef enum mapisync_severity { MAPISYNC_WARNING = 0, MAPISYNC_ERROR = 1 } mapisync_severity;
/* One finding from the kit's catalog (docs/findings.md explains each code). */
typedef struct mapisync_finding {
    mapisync_severity severity;
    const char *code;      /* the catalog's code: "progress_after_cancel", ... */
    int64_t seq;           /* the record it is about (mapisync_record.seq), or -1 */
    const char *what;      /* what happened */
    const char *expected;  /* what the protocol expects */
} mapisync_finding;
/* The ith (from 0) of the findings mapisync_run_finding_count(run, strict) counts, in report
 * order. Strings are UTF-8 and owned by the run. E_INVALIDARG when i >= that count; *out is
 * untouched on failure. */
HRESULT mapisync_run_finding(const mapisync_run *run, int strict, size_t i, mapisync_finding *out);

/* ---- The expected calls, as the Rust kit's Expect ---- */

typedef struct mapisync_expect mapisync_expect;
/* An empty expectation: no call at all. */
HRESULT mapisync_expect_new(mapisync_expect **out);
/* Progress calls with the indices first..=last, in order, each of `max`; first > last is
 * E_INVALIDARG. */
HRESULT mapisync_expect_progress(mapisync_expect *e, ULONG first, ULONG last, ULONG max);
/* One Error call with hr. */
HRESULT mapisync_expect_error(mapisync_expect *e, HRESULT hr);
/* One Done call with final status hr. */
HRESULT mapisync_expect_done(mapisync_expect *e, HRESULT hr);
/* Every call of the last entry (a progress or an error) carries exactly this text
 * (NUL-terminated UTF-16). E_INVALIDARG before any entry, after a done or for invalid UTF-16. */
HRESULT mapisync_expect_text(mapisync_expect *e, const WCHAR *text);
/* NULL is a no-op. */
void mapisync_expect_free(mapisync_expect *e);
/* 1 when the run's calls are exactly the expected ones; otherwise 0, and *diff (if diff is not
 * NULL) the diff the Rust SyncRun::assert_calls prints (- expected, + actual, then the call
 * log), UTF-8 owned by the run. 0 and *diff NULL for a NULL run or expectation. */
int mapisync_run_matches(const mapisync_run *run, const mapisync_expect *e, const char **diff);

/* ---- Exploration: every host behaviour that matters, the smallest failing script ---- */

/* One new store with one reference in *out, or a failure code. Called once per scenario, on
 * the thread that called mapisync_explore (with any `jobs`). */
typedef HRESULT (*mapisync_store_factory)(void *context, IUnknown **out);
typedef struct mapisync_explore_options {
    size_t size;           /* sizeof(mapisync_explore_options), so the struct can grow */
    ULONG flags;           /* SYNC_* for every scenario; 0: download hierarchy and contents */
    int strict;            /* nonzero: warnings fail a scenario too */
    uint32_t cases;        /* random scripts after the systematic pass; 0: systematic alone */
    uint64_t seed;         /* the random scripts' seed */
    uint32_t timeout_ms;   /* per scenario; 0: the default */
    uint32_t jobs;         /* scenarios at a time; 0: 1 */
    int all_failures;      /* nonzero: go on after the first failure */
} mapisync_explore_options;
typedef struct mapisync_exploration mapisync_exploration;
/* Explores the stores make_store makes (a fresh one per scenario): the plain run, Cancel from
 * each Progress, a failure to each Error and to Done, then `cases` random scripts; the first
 * failing random script is shrunk to the smallest. options NULL: the defaults (those of the
 * Rust Explore::new(): 256 cases, seed 0, stop at the first failure); a size smaller than the
 * first version of the struct, or larger than this library knows, is E_INVALIDARG.
 * MAPISYNC_EXPLORE_SEED and MAPISYNC_EXPLORE_CASES in the environment override seed and cases
 * (E_INVALIDARG when set to anything but a decimal number). S_OK whenever the
 * exploration took place, whatever it found; a factory that fails, hands back NULL or a store
 * without IMAPISync fails this call with that code (E_POINTER, E_NOINTERFACE). */
HRESULT mapisync_explore(const mapisync_explore_options *options,
                         mapisync_store_factory make_store, void *context,
                         mapisync_exploration **out);
/* Nonzero when no scenario failed; 0 for NULL. */
int mapisync_exploration_passed(const mapisync_exploration *x);
/* Scenarios run (shrinking runs not counted); 0 for NULL. */
size_t mapisync_exploration_scenarios(const mapisync_exploration *x);
/* The seed the random scripts were drawn from; 0 for NULL. */
uint64_t mapisync_exploration_seed(const mapisync_exploration *x);
/* Failing scripts found, smallest first; 0 for NULL. */
size_t mapisync_exploration_failure_count(const mapisync_exploration *x);
/* The ith failure's smallest script as the C calls that set it up on a recorder named
 * `recorder`, one a line, e.g. "mapisync_recorder_cancel_progress_from(recorder, 7);". Pasted
 * between mapisync_recorder_new and mapisync_sync_test it replays the failure. UTF-8, owned by
 * the exploration; NULL for NULL or i out of range. */
const char *mapisync_exploration_failure_script(const mapisync_exploration *x, size_t i);
/* The ith failure's run: findings, report and statuses through the mapisync_run_* functions
 * (not to be freed: owned by the exploration). NULL for NULL or i out of range. */
const mapisync_run *mapisync_exploration_failure_run(const mapisync_exploration *x, size_t i);
/* The summary, then each failure: its script, findings and call log. UTF-8, owned. */
const char *mapisync_exploration_report(const mapisync_exploration *x);
/* NULL is a no-op. */
void mapisync_exploration_free(mapisync_exploration *x);

#if defined(__cplusplus)
}
#endif

/* ---- Layout, pinned ------------------------------------------------------------------------ */

#if defined(__cplusplus)
#define MAPISYNC_STATIC_ASSERT(e, m) static_assert(e, m)
#else
#define MAPISYNC_STATIC_ASSERT(e, m) _Static_assert(e, m)
#endif
#define MAPISYNC_PTR sizeof(void *)

MAPISYNC_STATIC_ASSERT(sizeof(HRESULT) == 4, "HRESULT is 32-bit");
MAPISYNC_STATIC_ASSERT((HRESULT)-1 < 0, "HRESULT is signed");
MAPISYNC_STATIC_ASSERT(sizeof(ULONG) == 4, "ULONG is 32-bit");
MAPISYNC_STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR is a 16-bit UTF-16 code unit");
MAPISYNC_STATIC_ASSERT(sizeof(HANDLE) == MAPISYNC_PTR, "HANDLE is pointer-sized");
MAPISYNC_STATIC_ASSERT(sizeof(GUID) == 16, "GUID is 16 bytes");
MAPISYNC_STATIC_ASSERT(offsetof(GUID, Data2) == 4 && offsetof(GUID, Data3) == 6 &&
                           offsetof(GUID, Data4) == 8,
                       "GUID is {u32, u16, u16, u8[8]}");
MAPISYNC_STATIC_ASSERT(sizeof(MAPISIB) == (MAPISYNC_PTR == 8 ? 32 : 20),
                       "MAPISIB: 32 bytes on 64-bit targets, 20 on 32-bit ones");
MAPISYNC_STATIC_ASSERT(offsetof(MAPISIB, ulSize) == 0, "MAPISIB.ulSize");
MAPISYNC_STATIC_ASSERT(offsetof(MAPISIB, ulFlags) == 4, "MAPISIB.ulFlags");
MAPISYNC_STATIC_ASSERT(offsetof(MAPISIB, psesSync) == 8, "MAPISIB.psesSync");
MAPISYNC_STATIC_ASSERT(offsetof(MAPISIB, punkCallBack) == 8 + MAPISYNC_PTR,
                       "MAPISIB.punkCallBack");
MAPISYNC_STATIC_ASSERT(offsetof(MAPISIB, phSyncDoneEvent) == 8 + 2 * MAPISYNC_PTR,
                       "MAPISIB.phSyncDoneEvent");
MAPISYNC_STATIC_ASSERT(sizeof(IMAPISyncProgressCallback) == MAPISYNC_PTR,
                       "an interface is its vtable pointer");
MAPISYNC_STATIC_ASSERT(sizeof(IMAPISync) == MAPISYNC_PTR, "an interface is its vtable pointer");
#if !defined(__cplusplus)
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallback, lpVtbl) == 0, "lpVtbl first");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISync, lpVtbl) == 0, "lpVtbl first");
MAPISYNC_STATIC_ASSERT(sizeof(IMAPISyncProgressCallbackVtbl) == 6 * MAPISYNC_PTR,
                       "IMAPISyncProgressCallback: 6 slots");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, QueryInterface) == 0,
                       "slot 0 QueryInterface");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, AddRef) == 1 * MAPISYNC_PTR,
                       "slot 1 AddRef");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, Release) == 2 * MAPISYNC_PTR,
                       "slot 2 Release");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, Progress) == 3 * MAPISYNC_PTR,
                       "slot 3 Progress");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, Error) == 4 * MAPISYNC_PTR,
                       "slot 4 Error");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncProgressCallbackVtbl, Done) == 5 * MAPISYNC_PTR,
                       "slot 5 Done");
MAPISYNC_STATIC_ASSERT(sizeof(IMAPISyncVtbl) == 4 * MAPISYNC_PTR, "IMAPISync: 4 slots");
MAPISYNC_STATIC_ASSERT(offsetof(IMAPISyncVtbl, SynchronizeInBackground) == 3 * MAPISYNC_PTR,
                       "slot 3 SynchronizeInBackground");
#endif
MAPISYNC_STATIC_ASSERT(sizeof(mapisync_slot) == sizeof(int), "mapisync_slot is an int");
MAPISYNC_STATIC_ASSERT(sizeof(mapisync_callback_fns) == 4 * MAPISYNC_PTR,
                       "mapisync_callback_fns: 4 function pointers");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, seq) == 0, "mapisync_record.seq");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, slot) == 8, "mapisync_record.slot");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, refused) == 12, "mapisync_record.refused");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, index) == 16, "mapisync_record.index");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, index_max) == 20, "mapisync_record.index_max");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, hr) == 24, "mapisync_record.hr");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, event) == (MAPISYNC_PTR == 8 ? 32 : 28),
                       "mapisync_record.event");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, text) ==
                           offsetof(mapisync_record, event) + MAPISYNC_PTR,
                       "mapisync_record.text");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, text_len) ==
                           offsetof(mapisync_record, text) + MAPISYNC_PTR,
                       "mapisync_record.text_len");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_record, answer) ==
                           offsetof(mapisync_record, text_len) + MAPISYNC_PTR,
                       "mapisync_record.answer");

MAPISYNC_STATIC_ASSERT(sizeof(mapisync_severity) == sizeof(int), "mapisync_severity is an int");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_finding, code) == MAPISYNC_PTR, "mapisync_finding.code");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_finding, seq) == 2 * MAPISYNC_PTR,
                       "mapisync_finding.seq");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_finding, what) == 2 * MAPISYNC_PTR + 8,
                       "mapisync_finding.what");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_finding, expected) == 3 * MAPISYNC_PTR + 8,
                       "mapisync_finding.expected");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_explore_options, flags) == MAPISYNC_PTR,
                       "mapisync_explore_options.flags");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_explore_options, cases) == MAPISYNC_PTR + 8,
                       "mapisync_explore_options.cases");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_explore_options, seed) == (MAPISYNC_PTR == 8 ? 24 : 16),
                       "mapisync_explore_options.seed");
MAPISYNC_STATIC_ASSERT(offsetof(mapisync_explore_options, all_failures) ==
                           offsetof(mapisync_explore_options, seed) + 16,
                       "mapisync_explore_options.all_failures");

#endif /* MAPISYNC_H */
