#include "sample_store.h"

#include <mapisync_win32.h>

#include "text.h"

#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <thread>
#include <utility>

namespace sample {

namespace {

std::atomic<long> g_live{0};

bool same_iid(REFIID a, const IID &b) { return std::memcmp(&a, &b, sizeof(IID)) == 0; }

// Progress with a UTF-8 text; the host's answer is returned as it came.
HRESULT progress(IMAPISyncProgressCallback *callback, const std::string &text, ULONG index,
                 ULONG index_max) {
    const WString wide = to_wide(text);
    return callback->Progress(wide.c_str(), index, index_max);
}

void report_error(IMAPISyncProgressCallback *callback, HRESULT hr, const std::string &text) {
    const WString wide = to_wide(text);
    // The reference documents S_OK only; whatever the host answers, the folder is already lost
    // and the synchronization goes on with the next one.
    (void)callback->Error(hr, wide.c_str());
}

} // namespace

const ULONG SampleStore::kKnownFlags = SYNC_UPLOAD_HIERARCHY | SYNC_DOWNLOAD_HIERARCHY |
                                       SYNC_UPLOAD_CONTENTS | SYNC_DOWNLOAD_CONTENTS |
                                       SYNC_OUTGOING_MAIL | SYNC_BACKGROUND | SYNC_THESE_FOLDERS |
                                       SYNC_GLOBAL_HEADERS | SYNC_ON_DEMAND;

SampleStore *SampleStore::create(Account account, Flaw flaw) {
    return new (std::nothrow) SampleStore(std::move(account), flaw);
}

long SampleStore::live_count() { return g_live.load(); }

SampleStore::SampleStore(Account account, Flaw flaw) : account_(std::move(account)), flaw_(flaw) {
    g_live.fetch_add(1);
}

SampleStore::~SampleStore() {
    if (IMAPISyncProgressCallback *kept = kept_.exchange(nullptr)) {
        kept->Release();
    }
    g_live.fetch_sub(1);
}

HRESULT STDMETHODCALLTYPE SampleStore::QueryInterface(REFIID riid, void **ppv) {
    if (ppv == nullptr) {
        return E_POINTER;
    }
    if (same_iid(riid, IID_IUnknown) || same_iid(riid, IID_IMAPISync)) {
        // One object, one interface besides IUnknown: both answers are the same pointer.
        *ppv = static_cast<IMAPISync *>(this);
        AddRef();
        return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
}

ULONG STDMETHODCALLTYPE SampleStore::AddRef() { return refs_.fetch_add(1) + 1; }

ULONG STDMETHODCALLTYPE SampleStore::Release() {
    const ULONG left = refs_.fetch_sub(1) - 1;
    if (left == 0) {
        delete this;
    }
    return left;
}

HRESULT STDMETHODCALLTYPE SampleStore::SynchronizeInBackground(PMAPISIB sib) {
    // Validated in the order mapisync's own stores use; on failure nothing is written through
    // phSyncDoneEvent.
    if (sib == nullptr || sib->ulSize < sizeof(MAPISIB) || sib->phSyncDoneEvent == nullptr) {
        return MAPI_E_INVALID_PARAMETER;
    }
    if ((sib->ulFlags & ~kKnownFlags) != 0) {
        return MAPI_E_UNKNOWN_FLAGS;
    }
    if (sib->punkCallBack == nullptr) {
        return MAPI_E_INVALID_PARAMETER;
    }
    IMAPISyncProgressCallback *callback = nullptr;
    const HRESULT qi = sib->punkCallBack->QueryInterface(
        IID_IMAPISyncProgressCallback, reinterpret_cast<void **>(&callback));
    if (FAILED(qi) || callback == nullptr) {
        return FAILED(qi) ? qi : E_NOINTERFACE;
    }
    // From here on `callback` holds one reference: start() hands it to the worker or releases it.
    return start(sib->ulFlags, callback, sib->phSyncDoneEvent);
}

HRESULT SampleStore::start(ULONG flags, IMAPISyncProgressCallback *callback, HANDLE *out_event) {
    bool idle = false;
    if (!busy_.compare_exchange_strong(idle, true)) {
        callback->Release();
        return MAPI_E_BUSY;
    }
    // Manual reset: once signalled it stays signalled, whoever waits and whenever.
    HANDLE done_event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (done_event == nullptr) {
        callback->Release();
        busy_.store(false);
        return MAPI_E_CALL_FAILED;
    }
    if (flaw_ == Flaw::KeepsCallback) {
        callback->AddRef();
        if (IMAPISyncProgressCallback *old = kept_.exchange(callback)) {
            old->Release();
        }
    }
    AddRef(); // the worker's reference on the store
    try {
        std::thread(&SampleStore::worker, this, flags, callback, done_event).detach();
    } catch (...) { // std::system_error (no thread) or std::bad_alloc
        if (IMAPISyncProgressCallback *kept = kept_.exchange(nullptr)) {
            kept->Release();
        }
        callback->Release();
        CloseHandle(done_event);
        busy_.store(false);
        Release();
        return MAPI_E_NOT_ENOUGH_MEMORY;
    }
    *out_event = done_event;
    return S_OK;
}

void SampleStore::worker(ULONG flags, IMAPISyncProgressCallback *callback, HANDLE done_event) {
    HRESULT status;
    try {
        status = synchronize(flags, callback);
    } catch (const std::bad_alloc &) {
        status = MAPI_E_NOT_ENOUGH_MEMORY;
    } catch (...) {
        status = E_UNEXPECTED;
    }
    const bool skip_done = flaw_ == Flaw::ForgetsDoneOnCancel && status == MAPI_E_USER_CANCEL;
    if (!skip_done) {
        // Exactly once, with the event handed out: from now on the handle is the host's to close.
        (void)callback->Done(done_event, status);
    }
    // Let go of everything before signalling, so that a host that sees the event signalled can
    // count references at once; the store's own reference goes last, and after it `this` is not
    // touched again (it may have been the last one).
    callback->Release();
    busy_.store(false);
    Release();
    SetEvent(done_event);
}

HRESULT SampleStore::synchronize(ULONG flags, IMAPISyncProgressCallback *callback) const {
    const ULONG scope = SYNC_UPLOAD_HIERARCHY | SYNC_DOWNLOAD_HIERARCHY | SYNC_UPLOAD_CONTENTS |
                        SYNC_DOWNLOAD_CONTENTS;
    // No scope at all means everything; the hierarchy alone means folders without messages.
    const bool contents =
        (flags & scope) == 0 || (flags & (SYNC_UPLOAD_CONTENTS | SYNC_DOWNLOAD_CONTENTS)) != 0;
    const char *what = (flags & SYNC_GLOBAL_HEADERS) != 0 ? "header" : "message";

    const ULONG total =
        static_cast<ULONG>(account_.folders.size() + (contents ? account_.message_count() : 0));
    ULONG index = 0;
    HRESULT status = S_OK;
    HRESULT hr = progress(callback, "Connecting to " + account_.name, index, total);
    for (const Folder &folder : account_.folders) {
        if (FAILED(hr)) {
            return hr; // the host said stop (MAPI_E_USER_CANCEL when the user pressed Cancel)
        }
        hr = progress(callback, "Folder " + folder.name, index, total);
        if (FAILED(hr)) {
            return hr;
        }
        ++index;
        const ULONG count = contents ? static_cast<ULONG>(folder.messages.size()) : 0;
        if (FAILED(folder.failure)) {
            report_error(callback, folder.failure,
                         "Folder " + folder.name + " could not be opened; its " +
                             std::to_string(count) + " item(s) were skipped");
            index += count;
            status = MAPI_W_PARTIAL_COMPLETION;
            continue;
        }
        for (ULONG i = 0; i < count && SUCCEEDED(hr); ++i) {
            hr = progress(callback,
                          folder.name + ": " + what + " " + std::to_string(i + 1) + " of " +
                              std::to_string(count) + ", " + folder.messages[i].subject,
                          index, total);
            if (flaw_ == Flaw::IgnoresCancelInContents) {
                hr = S_OK; // the planted bug: the answer is not looked at
            }
            ++index;
        }
    }
    if (FAILED(hr)) {
        return hr;
    }
    hr = progress(callback, "Synchronization complete", total, total);
    return FAILED(hr) ? hr : status;
}

} // namespace sample
