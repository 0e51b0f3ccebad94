/*
 * mapisync.h: C declarations of IMAPISyncProgressCallback, IMAPISync and MAPISIB.
 *
 * Written from the Outlook MAPI reference (see spec/interfaces.md): no public header ships these
 * declarations. The layout is MIDL's flattened C style: every interface is a struct holding only
 * a pointer to its vtable, and every vtable repeats IUnknown's three slots first, each typed on
 * its own interface.
 *
 * The scalar types are fixed-width, whatever the platform's `long` and `wchar_t` are:
 * ULONG is 32-bit unsigned, HRESULT 32-bit signed, WCHAR one UTF-16 code unit.
 *
 * This header does not include <windows.h> and cannot be mixed with it (both define ULONG, GUID,
 * IUnknown, ...): include it in translation units that do not see the Windows headers.
 *
 * Compiles cleanly with -std=c11 -Wall -Wextra -Werror -pedantic with gcc and clang on
 * x86_64/i686 Linux and on MinGW.
 */
#ifndef MAPISYNC_H
#define MAPISYNC_H

#if defined(_WINDEF_) || defined(_WINNT_) || defined(GUID_DEFINED) \
    || defined(__IUnknown_INTERFACE_DEFINED__) || defined(__unknwn_h__)
#error "mapisync.h declares its own ULONG, GUID and IUnknown: do not include it after the Windows headers"
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Calling convention ------------------------------------------------------------------ */

/* __stdcall on 32-bit x86 Windows, the platform C convention everywhere else
 * (Rust: extern "system"). */
#if defined(_WIN32) && (defined(__i386__) || defined(_M_IX86))
#define MAPISYNC_STDCALL __stdcall
#else
#define MAPISYNC_STDCALL
#endif

#ifdef STDMETHODCALLTYPE
#undef STDMETHODCALLTYPE
#endif
#define STDMETHODCALLTYPE MAPISYNC_STDCALL

/* ---- Scalar types ------------------------------------------------------------------------ */

typedef uint32_t ULONG;    /* 32-bit on every target, also on LP64 where `unsigned long` is not */
typedef int32_t HRESULT;   /* negative: failure */
typedef uint16_t WCHAR;    /* one UTF-16 code unit, whatever wchar_t is */
typedef void *HANDLE;      /* opaque, pointer-sized */

/* ---- GUID -------------------------------------------------------------------------------- */

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;

typedef GUID IID;
typedef const IID *REFIID;

/* {00000000-0000-0000-C000-000000000046} */
extern const IID IID_IUnknown;
/* {5024A386-2D44-486A-81A8-8F0ECB6071DD} */
extern const IID IID_IMAPISyncProgressCallback;
/* {5024A385-2D44-486A-81A8-8F0ECB6071DD} */
extern const IID IID_IMAPISync;

/* ---- HRESULTs ---------------------------------------------------------------------------- */

#define MAPISYNC_HR(x) ((HRESULT)(x))

#define S_OK                          MAPISYNC_HR(0x00000000)
#define S_FALSE                       MAPISYNC_HR(0x00000001)
#define E_NOTIMPL                     MAPISYNC_HR(0x80004001)
#define E_NOINTERFACE                 MAPISYNC_HR(0x80004002)
#define E_POINTER                     MAPISYNC_HR(0x80004003)
#define E_ABORT                       MAPISYNC_HR(0x80004004)
#define E_FAIL                        MAPISYNC_HR(0x80004005)
#define E_UNEXPECTED                  MAPISYNC_HR(0x8000FFFF)
#define E_ACCESSDENIED                MAPISYNC_HR(0x80070005)
#define E_HANDLE                      MAPISYNC_HR(0x80070006)
#define E_OUTOFMEMORY                 MAPISYNC_HR(0x8007000E)
#define E_INVALIDARG                  MAPISYNC_HR(0x80070057)
#define MAPI_E_INTERFACE_NOT_SUPPORTED E_NOINTERFACE
#define MAPI_E_CALL_FAILED            E_FAIL
#define MAPI_E_NO_ACCESS              E_ACCESSDENIED
#define MAPI_E_NOT_ENOUGH_MEMORY      E_OUTOFMEMORY
#define MAPI_E_INVALID_PARAMETER      E_INVALIDARG
#define MAPI_E_NO_SUPPORT             MAPISYNC_HR(0x80040102)
#define MAPI_E_UNKNOWN_FLAGS          MAPISYNC_HR(0x80040106)
#define MAPI_E_BUSY                   MAPISYNC_HR(0x8004010B)
#define MAPI_E_NOT_FOUND              MAPISYNC_HR(0x8004010F)
#define MAPI_E_USER_CANCEL            MAPISYNC_HR(0x80040113)
#define MAPI_E_NETWORK_ERROR          MAPISYNC_HR(0x80040115)
#define MAPI_E_END_OF_SESSION         MAPISYNC_HR(0x80040200)
#define MAPI_E_TIMEOUT                MAPISYNC_HR(0x80040401)
#define MAPI_E_CANCEL                 MAPISYNC_HR(0x80040501)
#define MAPI_W_ERRORS_RETURNED        MAPISYNC_HR(0x00040380)
#define MAPI_W_PARTIAL_COMPLETION     MAPISYNC_HR(0x00040680)
#define SYNC_E_IGNORE                 MAPISYNC_HR(0x80040801)
#define SYNC_E_CONFLICT               MAPISYNC_HR(0x80040802)
#define SYNC_W_PROGRESS               MAPISYNC_HR(0x00040820)

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr)    (((HRESULT)(hr)) < 0)

/* ---- IUnknown ---------------------------------------------------------------------------- */

typedef struct IUnknown IUnknown;
typedef IUnknown *LPUNKNOWN;

typedef struct IUnknownVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IUnknown *This);
    ULONG (STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;

struct IUnknown {
    const IUnknownVtbl *lpVtbl;
};

/* ---- IMAPISyncProgressCallback : IUnknown ------------------------------------------------ */

typedef struct IMAPISyncProgressCallback IMAPISyncProgressCallback;
typedef IMAPISyncProgressCallback *LPMAPISYNCPROGRESSCALLBACK;

typedef struct IMAPISyncProgressCallbackVtbl {
    /* 0 */ HRESULT (STDMETHODCALLTYPE *QueryInterface)(IMAPISyncProgressCallback *This,
                                                         REFIID riid, void **ppvObject);
    /* 1 */ ULONG (STDMETHODCALLTYPE *AddRef)(IMAPISyncProgressCallback *This);
    /* 2 */ ULONG (STDMETHODCALLTYPE *Release)(IMAPISyncProgressCallback *This);
    /* 3 */ HRESULT (STDMETHODCALLTYPE *Progress)(IMAPISyncProgressCallback *This,
                                                   const WCHAR *pwcszProgress, ULONG ulIndex,
                                                   ULONG ulIndexMax);
    /* 4 */ HRESULT (STDMETHODCALLTYPE *Error)(IMAPISyncProgressCallback *This, HRESULT hResult,
                                                const WCHAR *pwcszErrorStr);
    /* 5 */ HRESULT (STDMETHODCALLTYPE *Done)(IMAPISyncProgressCallback *This,
                                               HANDLE hThreadDoneEvent, HRESULT hResult);
} IMAPISyncProgressCallbackVtbl;

struct IMAPISyncProgressCallback {
    const IMAPISyncProgressCallbackVtbl *lpVtbl;
};

/* ---- MAPISIB ----------------------------------------------------------------------------- */

/* The MAPI session: IUnknown-derived, opaque here. */
typedef struct IMAPISession IMAPISession;
typedef IMAPISession *LPMAPISESSION;

typedef struct _MAPISIB {
    ULONG ulSize;              /* size of the structure, in bytes */
    ULONG ulFlags;             /* SYNC_* bits */
    LPMAPISESSION psesSync;    /* [in] the MAPI session */
    LPUNKNOWN punkCallBack;    /* [in] QueryInterface it for IMAPISyncProgressCallback */
    HANDLE *phSyncDoneEvent;   /* [out] must be valid: receives the done event */
} MAPISIB, *PMAPISIB;

#define SYNC_UPLOAD_HIERARCHY   0x00000001u
#define SYNC_DOWNLOAD_HIERARCHY 0x00000002u
#define SYNC_UPLOAD_CONTENTS    0x00000040u
#define SYNC_DOWNLOAD_CONTENTS  0x00000080u
#define SYNC_OUTGOING_MAIL      0x00000200u
#define SYNC_BACKGROUND         0x00001000u
#define SYNC_THESE_FOLDERS      0x00020000u
#define SYNC_GLOBAL_HEADERS     0x02000000u
#define SYNC_HEADERS            SYNC_GLOBAL_HEADERS
#define SYNC_ON_DEMAND          0x20000000u

/* ---- IMAPISync : IUnknown ---------------------------------------------------------------- */

typedef struct IMAPISync IMAPISync;

typedef struct IMAPISyncVtbl {
    /* 0 */ HRESULT (STDMETHODCALLTYPE *QueryInterface)(IMAPISync *This, REFIID riid,
                                                         void **ppvObject);
    /* 1 */ ULONG (STDMETHODCALLTYPE *AddRef)(IMAPISync *This);
    /* 2 */ ULONG (STDMETHODCALLTYPE *Release)(IMAPISync *This);
    /* 3 */ HRESULT (STDMETHODCALLTYPE *SynchronizeInBackground)(IMAPISync *This,
                                                                  PMAPISIB psibpb);
} IMAPISyncVtbl;

struct IMAPISync {
    const IMAPISyncVtbl *lpVtbl;
};

#ifdef __cplusplus
}
#endif

#endif /* MAPISYNC_H */
