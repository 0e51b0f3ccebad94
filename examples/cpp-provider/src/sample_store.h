// SampleStore: a message store object that implements IMAPISync, as a store provider's would.
//
// - COM rules: an atomic reference count, one identity (QueryInterface for IID_IUnknown and
//   IID_IMAPISync gives the same pointer), destroyed when the last reference goes.
// - SynchronizeInBackground validates the MAPISIB, creates the done event with CreateEventW,
//   and starts a std::thread that walks the fake account, reporting through the host's
//   IMAPISyncProgressCallback: Progress per folder and per message, Error for a folder that
//   fails, and Done exactly once with the final status. MAPI_E_USER_CANCEL (or any failure)
//   from Progress stops the work. The worker releases every reference it took, then signals the
//   event.
//
// The same source compiles against <windows.h> (MinGW, MSVC) and, off Windows, against
// mapisync_win32.h's events.
#ifndef SAMPLE_STORE_H
#define SAMPLE_STORE_H

#include <mapisync.h>

#include "fake_account.h"

#include <atomic>

namespace sample {

// Deliberate mistakes, for the tests that show what the checker catches.
enum class Flaw {
    None,
    // On cancel, returns from the worker without calling Done.
    ForgetsDoneOnCancel,
    // Keeps a reference on the callback in the store "for later", and releases it only when the
    // store is destroyed: the host still sees a reference when the done event is signalled.
    KeepsCallback,
    // Goes on after a failing answer (a Cancel) to a message's Progress, as if it were S_OK: the
    // user's Cancel is ignored for the rest of the contents phase. Cancel during the connection
    // or at a folder still stops it, so a plain run and most tests pass; exploration finds it.
    IgnoresCancelInContents,
};

class SampleStore final : public IMAPISync {
  public:
    // A new store holding one reference, or nullptr when out of memory.
    static SampleStore *create(Account account, Flaw flaw = Flaw::None);

    // Every SYNC_* flag this store understands; any other bit is MAPI_E_UNKNOWN_FLAGS.
    static const ULONG kKnownFlags;

    // Stores alive in this process (tests check that the last Release destroyed the store).
    static long live_count();

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override;
    ULONG STDMETHODCALLTYPE AddRef() override;
    ULONG STDMETHODCALLTYPE Release() override;
    HRESULT STDMETHODCALLTYPE SynchronizeInBackground(PMAPISIB sib) override;

    SampleStore(const SampleStore &) = delete;
    SampleStore &operator=(const SampleStore &) = delete;

  private:
    SampleStore(Account account, Flaw flaw);
    ~SampleStore();

    HRESULT start(ULONG flags, IMAPISyncProgressCallback *callback, HANDLE *out_event);
    // The worker thread's body: owns one reference on the store and one on `callback`.
    void worker(ULONG flags, IMAPISyncProgressCallback *callback, HANDLE done_event);
    // The synchronization itself; returns the final status for Done.
    HRESULT synchronize(ULONG flags, IMAPISyncProgressCallback *callback) const;

    std::atomic<ULONG> refs_{1};
    std::atomic<bool> busy_{false};
    const Account account_;
    const Flaw flaw_;
    std::atomic<IMAPISyncProgressCallback *> kept_{nullptr}; // Flaw::KeepsCallback only
};

} // namespace sample

#endif
