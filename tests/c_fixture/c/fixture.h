/*
 * fixture.h: the C test fixture of mapisync.
 *
 * Three parts, each written against mapisync.h alone:
 *   - layout: what a C compiler makes of every declaration (sizes, alignments, offsets);
 *   - a C *caller* that drives an IMAPISyncProgressCallback some other language made;
 *   - a C *implementation* of IMAPISyncProgressCallback that some other language calls, whose
 *     calls and destruction are recorded in a probe that outlives the object.
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

#ifdef __cplusplus
}
#endif

#endif /* MAPISYNC_FIXTURE_H */
