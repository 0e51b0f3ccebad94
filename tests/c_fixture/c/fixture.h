/*
 * fixture.h: the C test fixture of mapisync.
 *
 * Five parts, each written against mapisync.h alone:
 *   - layout: what a C compiler makes of every declaration (sizes, alignments, offsets);
 *   - a C *caller* that drives an IMAPISyncProgressCallback some other language made;
 *   - a C *implementation* of IMAPISyncProgressCallback that some other language calls, whose
 *     calls and destruction are recorded in a probe that outlives the object;
 *   - a C *host* that calls IMAPISync::SynchronizeInBackground on a store some other language
 *     made, with a correct MAPISIB or one of the bad ones the reference rules out;
 *   - a C *store* implementing IMAPISync, for some other language to drive, with a destruction
 *     probe and misbehaviours on request.
 *
 * The fixture's own functions use the C calling convention (Rust: extern "C"); only the COM
 * slots use STDMETHODCALLTYPE. Pointers in reports are given as uintptr_t so that the reports hold
 * plain integers only.
 */
#ifndef MAPISYNC_FIXTURE_H
#define MAPISYNC_FIXTURE_H

#include "mapisync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Layout ------------------------------------------------------------------------------ */

/* Every size, alignment and offset of mapisync.h, as this C compiler lays them out. */
typedef struct FixtureLayout {
    size_t ulong_size;
    size_t hresult_size;
    size_t wchar_size;
    size_t handle_size;

    size_t guid_size;
    size_t guid_align;
    size_t guid_Data1;
    size_t guid_Data2;
    size_t guid_Data3;
    size_t guid_Data4;

    size_t iunknown_size;
    size_t iunknown_vtbl_size;
    size_t iunknown_vtbl_align;
    size_t iunknown_vtbl_QueryInterface;
    size_t iunknown_vtbl_AddRef;
    size_t iunknown_vtbl_Release;

    size_t callback_size;
    size_t callback_vtbl_size;
    size_t callback_vtbl_align;
    size_t callback_vtbl_QueryInterface;
    size_t callback_vtbl_AddRef;
    size_t callback_vtbl_Release;
    size_t callback_vtbl_Progress;
    size_t callback_vtbl_Error;
    size_t callback_vtbl_Done;

    size_t sync_size;
    size_t sync_vtbl_size;
    size_t sync_vtbl_align;
    size_t sync_vtbl_QueryInterface;
    size_t sync_vtbl_AddRef;
    size_t sync_vtbl_Release;
    size_t sync_vtbl_SynchronizeInBackground;

    size_t mapisib_size;
    size_t mapisib_align;
    size_t mapisib_ulSize;
    size_t mapisib_ulFlags;
    size_t mapisib_psesSync;
    size_t mapisib_punkCallBack;
    size_t mapisib_phSyncDoneEvent;
} FixtureLayout;

/* Fills *out; returns sizeof(FixtureLayout) so the caller can check it declared the same struct. */
size_t fixture_layout(FixtureLayout *out);

/* Which IID fixture_iid returns. */
#define FIXTURE_IID_IUNKNOWN 0u
#define FIXTURE_IID_CALLBACK 1u
#define FIXTURE_IID_SYNC     2u
#define FIXTURE_IID_OTHER    3u /* a made-up IID no object answers */

/* The C definition of an IID (NULL for an unknown `which`). */
const IID *fixture_iid(unsigned which);

/* ---- The C caller ------------------------------------------------------------------------ */

/* What fixture_check_identity saw, in the order it did it. The object starts with a count of N
 * (the caller's references); every count below is what AddRef/Release returned. */
typedef struct FixtureIdentityReport {
    uintptr_t unknown; /* the pointer passed in */

    /* Failures first: each ppv pre-filled with a non-null garbage value. */
    HRESULT qi_sync_hr; /* QueryInterface(IID_IMAPISync) */
    uintptr_t qi_sync_ppv;
    HRESULT qi_other_hr; /* QueryInterface(a made-up IID) */
    uintptr_t qi_other_ppv;
    HRESULT qi_null_ppv_hr; /* QueryInterface(IID_IUnknown, NULL) */
    HRESULT qi_null_riid_hr; /* QueryInterface(NULL, &ppv) */
    uintptr_t qi_null_riid_ppv;
    ULONG add_ref_after_failures; /* N + 1 if no failure AddRef'd */
    ULONG release_after_failures; /* N */

    /* Five successful QueryInterface calls. */
    HRESULT qi_callback_hr; /* unknown -> IID_IMAPISyncProgressCallback */
    uintptr_t callback;
    HRESULT qi_unknown1_hr; /* unknown -> IID_IUnknown */
    uintptr_t unknown1;
    HRESULT qi_unknown2_hr; /* unknown -> IID_IUnknown, again */
    uintptr_t unknown2;
    HRESULT qi_unknown_via_callback_hr; /* callback -> IID_IUnknown */
    uintptr_t unknown_via_callback;
    HRESULT qi_callback_via_callback_hr; /* callback -> IID_IMAPISyncProgressCallback */
    uintptr_t callback_via_callback;
    ULONG add_ref; /* N + 6 */
    ULONG release; /* N + 5 */
    ULONG releases[5]; /* the five references released, last obtained first: N + 4 ... N */
} FixtureIdentityReport;

/* Runs the IUnknown rules against `unknown` (a live object the caller holds a reference on) and
 * reports what it saw. Leaves the count as it found it. Returns sizeof(FixtureIdentityReport). */
size_t fixture_check_identity(IUnknown *unknown, FixtureIdentityReport *out);

/* What fixture_drive_calls got back from each call. */
typedef struct FixtureCallsReport {
    HRESULT qi_hr; /* QueryInterface(IID_IMAPISyncProgressCallback); nothing else ran if it failed */
    HRESULT progress_text_hr; /* Progress(fixture_progress_text(), 1, 10) */
    HRESULT progress_null_hr; /* Progress(NULL, 2, 10) */
    HRESULT error_s_false_hr; /* Error(S_FALSE, fixture_error_text()) */
    HRESULT error_warning_hr; /* Error(MAPI_W_PARTIAL_COMPLETION, fixture_error_text()) */
    HRESULT error_fail_hr; /* Error(E_FAIL, fixture_error_text()) */
    HRESULT error_null_hr; /* Error(MAPI_E_NETWORK_ERROR, NULL) */
    HRESULT done_hr; /* Done(fixture_done_handle(), S_OK) */
    HRESULT done_null_hr; /* Done(NULL, MAPI_E_USER_CANCEL) */
    ULONG release; /* Release of the QueryInterface'd pointer */
} FixtureCallsReport;

/* QueryInterfaces `unknown` for IMAPISyncProgressCallback and makes the eight calls listed in
 * FixtureCallsReport, in that order. Returns sizeof(FixtureCallsReport). */
size_t fixture_drive_calls(IUnknown *unknown, FixtureCallsReport *out);

/* The texts fixture_drive_calls passes, as static const WCHAR arrays; *len receives the number
 * of code units before the NUL. Both hold an unpaired surrogate 0xD800. */
const WCHAR *fixture_progress_text(size_t *len);
const WCHAR *fixture_error_text(size_t *len);
/* The handle fixture_drive_calls passes to Done: (HANDLE)0x1234. */
HANDLE fixture_done_handle(void);

/* One call through the C declaration of each slot. */
HRESULT fixture_query_interface(IUnknown *unknown, REFIID riid, void **ppv);
ULONG fixture_add_ref(IUnknown *unknown);
ULONG fixture_release(IUnknown *unknown);
HRESULT fixture_progress(IMAPISyncProgressCallback *cb, const WCHAR *text, ULONG index,
                         ULONG index_max);
HRESULT fixture_error(IMAPISyncProgressCallback *cb, HRESULT hr, const WCHAR *text);
HRESULT fixture_done(IMAPISyncProgressCallback *cb, HANDLE event, HRESULT hr);

/* QueryInterfaces `unknown` for IMAPISyncProgressCallback, mallocs exactly `units` code units of
 * 'a' (0x61) plus, if `nul_terminated`, one NUL, and passes that buffer to Progress(buf, units, 0)
 * (slot 3) or Error(E_FAIL, buf) (slot 4); frees it, releases, and returns the call's HRESULT (or
 * QueryInterface's failure, E_OUTOFMEMORY, or E_NOTIMPL for another slot). */
HRESULT fixture_call_with_text_of(IUnknown *unknown, unsigned slot, size_t units,
                                  int nul_terminated);

/* ---- The C implementation ---------------------------------------------------------------- */

/* How many code units of the last text the probe keeps. */
#define FIXTURE_TEXT_CAP 64

/* What the C objects of one probe were asked, a plain snapshot. */
typedef struct FixtureRecord {
    ULONG objects_created;
    ULONG objects_destroyed;
    ULONG query_interface_calls;
    ULONG add_ref_calls;
    ULONG release_calls;
    ULONG progress_calls;
    ULONG error_calls;
    ULONG done_calls;
    ULONG last_index; /* of the last Progress */
    ULONG last_index_max;
    HRESULT last_error_hr; /* of the last Error */
    HRESULT last_done_hr; /* of the last Done */
    uintptr_t last_handle; /* of the last Done */
    uint32_t last_text_null; /* 1: the last text (Progress or Error) was NULL */
    uint32_t last_text_len; /* its length in code units, before the NUL */
    WCHAR last_text[FIXTURE_TEXT_CAP]; /* its first FIXTURE_TEXT_CAP code units, zero-padded */
} FixtureRecord;

/* Owns the answers and the record of the C objects made with it. It outlives them: a test can
 * check that its object was destroyed exactly once. Thread-safe. */
typedef struct FixtureProbe FixtureProbe;

/* What the C object's QueryInterface does for IID_IMAPISyncProgressCallback. */
#define FIXTURE_QI_NORMAL 0u /* the COM rules: the object itself, AddRef'd */
#define FIXTURE_QI_REFUSE_CALLBACK 1u /* E_NOINTERFACE, *ppv = NULL (IID_IUnknown still works) */
#define FIXTURE_QI_NULL_SUCCESS 2u /* broken on purpose: S_OK with *ppv = NULL, no AddRef */

/* A new probe: answers S_OK everywhere, FIXTURE_QI_NORMAL, empty record. NULL if out of memory. */
FixtureProbe *fixture_probe_new(void);
/* Frees a probe once none of its objects is alive. */
void fixture_probe_free(FixtureProbe *probe);
/* What Progress, Error and Done return from now on. */
void fixture_probe_set_answers(FixtureProbe *probe, HRESULT progress, HRESULT error,
                               HRESULT done);
/* One of FIXTURE_QI_*. */
void fixture_probe_set_query_mode(FixtureProbe *probe, unsigned mode);
/* Copies the record into *out; returns sizeof(FixtureRecord). */
size_t fixture_probe_record(FixtureProbe *probe, FixtureRecord *out);

/* A new C IMAPISyncProgressCallback reporting to `probe`, with a count of 1 owned by the caller.
 * NULL if out of memory. */
IMAPISyncProgressCallback *fixture_callback_new(FixtureProbe *probe);
/* The count of a live C object, read without changing it. */
ULONG fixture_callback_ref_count(IMAPISyncProgressCallback *cb);

/* ---- The C host ------------------------------------------------------------------------- */

/* The value the host pre-fills its HANDLE variable with: still there after the call means the
 * store wrote nothing through phSyncDoneEvent. A multiple of 4 that no emulated handle takes
 * before a billion events. */
#define FIXTURE_SENTINEL ((HANDLE)(uintptr_t)0x5A5A5A50u)

/* Every SYNC_* bit mapisync.h defines; any other bit is MAPI_E_UNKNOWN_FLAGS. */
#define FIXTURE_SYNC_ALL_FLAGS                                                                 \
    (SYNC_UPLOAD_HIERARCHY | SYNC_DOWNLOAD_HIERARCHY | SYNC_UPLOAD_CONTENTS                    \
     | SYNC_DOWNLOAD_CONTENTS | SYNC_OUTGOING_MAIL | SYNC_BACKGROUND | SYNC_THESE_FOLDERS       \
     | SYNC_GLOBAL_HEADERS | SYNC_ON_DEMAND)

/* Which MAPISIB fixture_sync_host sends. Flags, session and callback are parameters. */
#define FIXTURE_SIB_GOOD 0u            /* ulSize = sizeof(MAPISIB), every pointer as given */
#define FIXTURE_SIB_NULL 1u            /* psibpb = NULL */
#define FIXTURE_SIB_SIZE_ZERO 2u       /* ulSize = 0 */
#define FIXTURE_SIB_SIZE_SMALL 3u      /* ulSize = sizeof(MAPISIB) - 1 */
#define FIXTURE_SIB_NULL_DONE_EVENT 4u /* phSyncDoneEvent = NULL */
#define FIXTURE_SIB_NULL_CALLBACK 5u   /* punkCallBack = NULL, whatever `callback` is */
#define FIXTURE_SIB_EXTENDED 6u        /* a FixtureMapisibV2: ulSize = sizeof(FixtureMapisibV2) */

/* A later, larger version of the structure, as a host newer than the store would send it: MAPISIB
 * first, then fields the store does not know and must neither read as MAPISIB nor write. */
typedef struct FixtureMapisibV2 {
    MAPISIB sib;
    ULONG ulExtra;    /* FIXTURE_TAIL_ULONG */
    HANDLE hExtra;    /* FIXTURE_TAIL_HANDLE */
    uint64_t ullExtra; /* FIXTURE_TAIL_U64 */
} FixtureMapisibV2;

#define FIXTURE_TAIL_ULONG 0xE1E1E1E1u
#define FIXTURE_TAIL_HANDLE ((HANDLE)(uintptr_t)0xE2E2E2E0u)
#define FIXTURE_TAIL_U64 UINT64_C(0xE3E3E3E3E3E3E3E3)

/* What fixture_sync_host did and saw. */
typedef struct FixtureHostReport {
    HRESULT qi_hr;        /* store->QueryInterface(IID_IMAPISync); nothing else ran if it failed */
    uintptr_t sync;       /* the IMAPISync* it gave (0 if it failed) */
    uint32_t called;      /* 1 if SynchronizeInBackground was called */
    ULONG size;           /* the ulSize sent (0 with FIXTURE_SIB_NULL) */
    HRESULT hr;           /* what SynchronizeInBackground returned */
    uintptr_t done_event; /* the host's HANDLE variable afterwards: FIXTURE_SENTINEL if untouched */
    uint32_t sib_intact;  /* 1 if the MAPISIB sent ([in] only) was left as it was */
    uint32_t tail_intact; /* FIXTURE_SIB_EXTENDED: 1 if the fields after MAPISIB were left alone */
    ULONG release;        /* the host's Release of its IMAPISync reference: the count left */
} FixtureHostReport;

/* Plays Outlook's part up to the wait: QueryInterfaces `store` (a live object the caller holds a
 * reference on) for IID_IMAPISync, builds the MAPISIB `variant` says with `flags`, `session`
 * (may be NULL) and `callback` (may be NULL, or any object: the store must QueryInterface it),
 * pre-fills the HANDLE variable with FIXTURE_SENTINEL, calls SynchronizeInBackground, releases
 * its IMAPISync reference and reports. It does not wait for the done event: events are the
 * caller's to wait on (they are emulated in the caller's process), and so is closing the handle.
 * An unknown `variant` sends nothing and reports hr = E_NOTIMPL. Returns sizeof(FixtureHostReport). */
size_t fixture_sync_host(IUnknown *store, unsigned variant, ULONG flags, IUnknown *session,
                         IUnknown *callback, FixtureHostReport *out);

/* ---- The C store ------------------------------------------------------------------------- */

/* What the store asks its owner to do, in the C calling convention:
 *   signal(event): set the done event `event` (the store cannot: events are emulated by whoever
 *                  creates them; a real provider would SetEvent its own event object);
 *   spawn(run, arg): run run(arg) on a new thread, detached; 0 if started, anything else if not.
 *                  C11 <threads.h> is missing on some targets (MinGW), so the owner lends one. */
typedef void (*FixtureSignalFn)(HANDLE event);
typedef void (*FixtureRunFn)(void *arg);
typedef int (*FixtureSpawnFn)(FixtureRunFn run, void *arg);

/* Misbehaviours, OR'd into FixtureStoreConfig.misbehaviours, for the host's checks to catch. */
#define FIXTURE_STORE_DONE_TWICE 0x01u          /* Done twice (same handle and status) */
#define FIXTURE_STORE_SKIP_DONE 0x02u           /* no Done at all */
#define FIXTURE_STORE_LEAK_CALLBACK 0x04u       /* keep the callback reference (see below) */
#define FIXTURE_STORE_WRONG_HANDLE 0x08u        /* Done(FIXTURE_WRONG_HANDLE, ...) */
#define FIXTURE_STORE_SKIP_SIGNAL 0x10u         /* never call the signal function */
#define FIXTURE_STORE_NO_HANDLE 0x20u           /* S_OK without writing *phSyncDoneEvent */
#define FIXTURE_STORE_PROGRESS_AFTER_DONE 0x40u /* Progress(NULL, steps, steps) after Done */
#define FIXTURE_STORE_IGNORE_CANCEL 0x80u       /* carry on after a failed Progress */

/* The handle FIXTURE_STORE_WRONG_HANDLE passes to Done: odd, so never an emulated handle. */
#define FIXTURE_WRONG_HANDLE ((HANDLE)(uintptr_t)0x4321u)

/* What a synchronization of the store does, from the next SynchronizeInBackground on. */
typedef struct FixtureStoreConfig {
    ULONG steps;            /* Progress(fixture_progress_text(), i, steps) for i = 1..=steps */
    uint32_t call_error;    /* nonzero: then Error(error_hr, fixture_error_text()) */
    HRESULT error_hr;
    HRESULT final_hr;       /* Done(event, final_hr); a failed Progress's answer replaces it */
    uint32_t misbehaviours; /* FIXTURE_STORE_* bits; 0 for a store that keeps the protocol */
    uint32_t threaded;      /* nonzero, with a spawn function set: run on that thread */
} FixtureStoreConfig;

/* What the stores of one probe did (the probe's FixtureRecord has their QueryInterface, AddRef,
 * Release, creation and destruction counts). */
typedef struct FixtureStoreRecord {
    ULONG sync_calls;          /* SynchronizeInBackground calls */
    HRESULT last_sync_hr;      /* what the last one returned */
    ULONG last_size;           /* its MAPISIB.ulSize (0 if psibpb was NULL) */
    ULONG last_flags;          /* its MAPISIB.ulFlags (0 if it got no further than ulSize) */
    uintptr_t last_session;    /* its psesSync (0 if it got no further than ulSize) */
    uintptr_t last_event;      /* the done event the last started run handed out */
    ULONG runs_started;        /* synchronizations started, synchronously or on a thread */
    ULONG runs_finished;       /* ... that got to the end, just before the signal */
    ULONG signals;             /* calls of the signal function */
    ULONG done_calls;          /* Done calls the stores made */
    HRESULT last_done_status;  /* the status of the last Done */
    ULONG failed_answers;      /* Progress/Error/Done calls the host answered with a failure */
    HRESULT last_failed_answer;
} FixtureStoreRecord;

/* A new C store object exposing IMAPISync, recording into `probe` (which must outlive it), with a
 * count of 1 owned by the caller: steps 3, no Error, final S_OK, no misbehaviour, synchronous,
 * no event, no signal and no spawn function. NULL if out of memory.
 *
 * QueryInterface answers IID_IUnknown and IID_IMAPISync with the same pointer (AddRef'd), and
 * anything else with E_NOINTERFACE and *ppv = NULL (E_POINTER for a NULL ppv, E_INVALIDARG for a
 * NULL riid). The count is atomic; the object is freed, and the probe's objects_destroyed bumped,
 * when it reaches zero. Every function is safe to call from any thread.
 *
 * SynchronizeInBackground checks the MAPISIB as mapisync's Rust stores do, in the same order, and
 * on failure writes nothing through phSyncDoneEvent:
 *   NULL psibpb, ulSize < sizeof(MAPISIB), NULL phSyncDoneEvent     -> E_INVALIDARG
 *   a bit outside FIXTURE_SYNC_ALL_FLAGS                            -> MAPI_E_UNKNOWN_FLAGS
 *   NULL punkCallBack                                               -> E_INVALIDARG
 *   punkCallBack refuses IID_IMAPISyncProgressCallback              -> E_NOINTERFACE
 * (a larger ulSize is a later version: accepted, only the MAPISIB part is read). Then:
 *   no event set with fixture_store_set_next_event                  -> E_FAIL
 *   threaded and the spawn function fails                           -> E_OUTOFMEMORY
 * (both after the callback was QueryInterface'd: it is released again; a consumed event is not
 * given back). Otherwise it takes the event set last (once), a reference on the session if any
 * and one on itself, and runs the synchronization: Progress 1..=steps (a failed answer ends the
 * loop and becomes the final status), the optional Error, Done(event, status), Release of the
 * callback and the session, Release of itself, then signal(event). Then it writes the event
 * through phSyncDoneEvent and returns S_OK.
 *
 * A real provider would run all that on a worker thread of its own and return at once; this one
 * does it synchronously inside SynchronizeInBackground unless `threaded` and a spawn function are
 * set. A host has to cope with both (mapisync's SimulatedHost does).
 *
 * FIXTURE_STORE_LEAK_CALLBACK keeps the callback reference in the store instead of releasing it
 * (one at a time: leaking another releases the one kept before); the store releases it when it is
 * destroyed, or fixture_store_release_leaked does at once. */
IMAPISync *fixture_store_new(FixtureProbe *probe);
/* What the next synchronizations do (copied). */
void fixture_store_configure(IMAPISync *store, const FixtureStoreConfig *config);
/* The done event the next SynchronizeInBackground hands out (a started run consumes it). */
void fixture_store_set_next_event(IMAPISync *store, HANDLE event);
/* The signal and spawn functions (NULL: none). */
void fixture_store_set_signal(IMAPISync *store, FixtureSignalFn signal);
void fixture_store_set_spawn(IMAPISync *store, FixtureSpawnFn spawn);
/* Releases a callback reference kept by FIXTURE_STORE_LEAK_CALLBACK now; returns 1 if there was
 * one, 0 if not. */
uint32_t fixture_store_release_leaked(IMAPISync *store);
/* The count of a live C store, read without changing it. */
ULONG fixture_store_ref_count(IMAPISync *store);
/* Copies the store part of the probe's record into *out; returns sizeof(FixtureStoreRecord). */
size_t fixture_probe_store_record(FixtureProbe *probe, FixtureStoreRecord *out);

#ifdef __cplusplus
}
#endif

#endif /* MAPISYNC_FIXTURE_H */
