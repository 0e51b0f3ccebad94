// A C++ IMAPISyncProgressCallback: what a MAPI emulation layer writes to show progress, in the
// shape docs/c-and-cpp.md shows it. Built and run by .ci/capi against libmapisync on every target.
#include <atomic>
#include <cstdio>

#include "mapisync.h"

class ProgressUi final : public IMAPISyncProgressCallback {
  public:
    // IUnknown
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override {
        if (ppv == nullptr) {
            return E_POINTER;
        }
        if (riid == IID_IUnknown || riid == IID_IMAPISyncProgressCallback) {
            *ppv = static_cast<IMAPISyncProgressCallback *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++count_; }
    ULONG STDMETHODCALLTYPE Release() override {
        ULONG count = --count_;
        if (count == 0) {
            delete this;
        }
        return count;
    }

    // IMAPISyncProgressCallback
    HRESULT STDMETHODCALLTYPE Progress(const WCHAR *text, ULONG index, ULONG max) override {
        std::printf("progress %lu/%lu%s\n", static_cast<unsigned long>(index),
                    static_cast<unsigned long>(max), text != nullptr ? " (with text)" : "");
        return cancelled_ ? MAPI_E_USER_CANCEL : S_OK;
    }
    HRESULT STDMETHODCALLTYPE Error(HRESULT hr, const WCHAR *) override {
        const char *name = mapisync_hresult_name(hr);
        std::printf("error %s\n", name != nullptr ? name : "(unnamed)");
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE Done(HANDLE done_event, HRESULT hr) override {
        std::printf("done %s\n", mapisync_hresult_name(hr));
        // The handle is ours now: close it once the provider has set it.
        mapisync_event_wait(done_event, 0xFFFFFFFFu);
        mapisync_event_close(done_event);
        return S_OK;
    }

    void cancel() { cancelled_ = true; }

  private:
    ~ProgressUi() = default; // only Release deletes; `final`: no derived class to destroy
    std::atomic<ULONG> count_{1};
    std::atomic<bool> cancelled_{false};
};

int main() {
    ProgressUi *ui = new ProgressUi();
    IMAPISyncProgressCallback *cb = ui;

    void *same = nullptr;
    if (cb->QueryInterface(IID_IUnknown, &same) != S_OK || same != cb) {
        return 1;
    }
    cb->Release();

    // What a provider does with it, through the vtable a C provider uses too.
    HANDLE done_event = nullptr;
    if (mapisync_event_create(1, 0, &done_event) != S_OK) {
        return 1;
    }
    const WCHAR inbox[] = {'I', 'n', 'b', 'o', 'x', 0};
    HRESULT first = cb->Progress(inbox, 1, 2);
    ui->cancel();
    HRESULT second = cb->Progress(nullptr, 2, 2);
    mapisync_event_set(done_event);
    cb->Done(done_event, MAPI_E_USER_CANCEL);
    ULONG left = cb->Release();

    bool ok = first == S_OK && second == MAPI_E_USER_CANCEL && left == 0 &&
              mapisync_event_open_count() == 0;
    std::printf("%s\n", ok ? "1 passed, 0 failed" : "0 passed, 1 failed");
    return ok ? 0 : 1;
}
