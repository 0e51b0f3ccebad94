// The sample store called directly, as a host would: IUnknown rules, MAPISIB validation, and the
// done event through the Win32 names of mapisync_win32.h.
#include <gtest/gtest.h>

#include <mapisync.h>
#include <mapisync_win32.h>

#include "sample_store.h"
#include "support.h"

#include <condition_variable>
#include <cstring>
#include <mutex>

using sample::Account;
using sample::SampleStore;
using namespace sample_test;

namespace {

// A store released at the end of the test, which must then be gone.
class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_NE(store_, nullptr);
        ASSERT_TRUE(recorder_);
        events_before_ = mapisync_event_open_count();
    }
    void TearDown() override {
        if (store_ != nullptr) {
            EXPECT_EQ(store_->Release(), 0u);
        }
        EXPECT_EQ(SampleStore::live_count(), 0);
        EXPECT_EQ(mapisync_event_open_count(), events_before_);
    }

    MAPISIB good_sib(HANDLE *out) {
        MAPISIB sib;
        std::memset(&sib, 0, sizeof sib);
        sib.ulSize = sizeof(MAPISIB);
        sib.ulFlags = SYNC_DOWNLOAD_HIERARCHY;
        sib.punkCallBack = mapisync_recorder_callback(recorder_.get());
        sib.phSyncDoneEvent = out;
        return sib;
    }

    SampleStore *store_ = SampleStore::create(Account::standard());
    RecorderPtr recorder_ = new_recorder();
    size_t events_before_ = 0;
};

TEST_F(StoreTest, QueryInterfaceKeepsOneIdentity) {
    void *unknown = nullptr;
    void *sync = nullptr;
    ASSERT_EQ(store_->QueryInterface(IID_IUnknown, &unknown), S_OK);
    ASSERT_EQ(store_->QueryInterface(IID_IMAPISync, &sync), S_OK);
    EXPECT_EQ(unknown, sync);
    EXPECT_EQ(unknown, static_cast<void *>(static_cast<IMAPISync *>(store_)));
    EXPECT_EQ(store_->AddRef(), 4u) << "each successful QueryInterface adds one reference";
    EXPECT_EQ(store_->Release(), 3u);
    static_cast<IUnknown *>(unknown)->Release();
    static_cast<IMAPISync *>(sync)->Release();
}

TEST_F(StoreTest, QueryInterfaceForAnotherInterfaceFailsAndClearsTheOutPointer) {
    void *out = &out;
    EXPECT_EQ(store_->QueryInterface(IID_IMAPISyncProgressCallback, &out), E_NOINTERFACE);
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(store_->QueryInterface(IID_IMAPISync, nullptr), E_POINTER);
    EXPECT_EQ(store_->AddRef(), 2u) << "a failed QueryInterface added a reference";
    store_->Release();
}

TEST_F(StoreTest, BadMapisibIsRefusedAndNothingIsWritten) {
    HANDLE sentinel = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x5EED));
    HANDLE out = sentinel;
    EXPECT_EQ(store_->SynchronizeInBackground(nullptr), MAPI_E_INVALID_PARAMETER);

    MAPISIB sib = good_sib(&out);
    sib.ulSize = sizeof(MAPISIB) - 1;
    EXPECT_EQ(store_->SynchronizeInBackground(&sib), MAPI_E_INVALID_PARAMETER);

    sib = good_sib(nullptr);
    EXPECT_EQ(store_->SynchronizeInBackground(&sib), MAPI_E_INVALID_PARAMETER);

    sib = good_sib(&out);
    sib.ulFlags |= 0x00000004; // not a SYNC_* bit
    EXPECT_EQ(store_->SynchronizeInBackground(&sib), MAPI_E_UNKNOWN_FLAGS);

    sib = good_sib(&out);
    sib.punkCallBack = nullptr;
    EXPECT_EQ(store_->SynchronizeInBackground(&sib), MAPI_E_INVALID_PARAMETER);

    sib = good_sib(&out);
    sib.punkCallBack = store_; // an object that is not a progress callback
    EXPECT_EQ(store_->SynchronizeInBackground(&sib), E_NOINTERFACE);

    EXPECT_EQ(out, sentinel) << "a refused call wrote through phSyncDoneEvent";
    EXPECT_EQ(mapisync_recorder_count(recorder_.get()), 0u);
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

TEST_F(StoreTest, LargerMapisibFromALaterVersionIsAccepted) {
    struct {
        MAPISIB sib;
        ULONG later_field;
    } bigger;
    HANDLE done = nullptr;
    bigger.sib = good_sib(&done);
    bigger.sib.ulSize = sizeof bigger;
    bigger.later_field = 0;
    ASSERT_EQ(store_->SynchronizeInBackground(&bigger.sib), S_OK);
    ASSERT_NE(done, nullptr);
    EXPECT_EQ(WaitForSingleObject(done, 30000), WAIT_OBJECT_0);
    EXPECT_TRUE(CloseHandle(done));
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

// A host-side callback made from C function pointers that holds the first Progress until the test
// lets it go: the store is busy in between, deterministically.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    bool entered = false;
    bool open = false;
    int destroyed = 0;

    static HRESULT progress(void *context, const WCHAR *, ULONG, ULONG) {
        Gate *gate = static_cast<Gate *>(context);
        std::unique_lock<std::mutex> lock(gate->mutex);
        gate->entered = true;
        gate->changed.notify_all();
        gate->changed.wait(lock, [gate] { return gate->open; });
        return S_OK;
    }
    static void destroy(void *context) { ++static_cast<Gate *>(context)->destroyed; }
};

TEST_F(StoreTest, SecondSynchronizationWhileOneRunsIsBusy) {
    Gate gate;
    const mapisync_callback_fns fns = {&Gate::progress, nullptr, nullptr, &Gate::destroy};
    IMAPISyncProgressCallback *callback = nullptr;
    ASSERT_EQ(mapisync_callback_new(&fns, &gate, &callback), S_OK);

    HANDLE done = nullptr;
    MAPISIB sib = good_sib(&done);
    sib.punkCallBack = callback;
    ASSERT_EQ(store_->SynchronizeInBackground(&sib), S_OK);
    {
        std::unique_lock<std::mutex> lock(gate.mutex);
        gate.changed.wait(lock, [&gate] { return gate.entered; });
    }
    HANDLE second = nullptr;
    MAPISIB again = good_sib(&second);
    again.punkCallBack = callback;
    EXPECT_EQ(store_->SynchronizeInBackground(&again), MAPI_E_BUSY);
    EXPECT_EQ(second, nullptr);
    EXPECT_EQ(WaitForSingleObject(done, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    {
        std::lock_guard<std::mutex> lock(gate.mutex);
        gate.open = true;
    }
    gate.changed.notify_all();
    EXPECT_EQ(WaitForSingleObject(done, 30000), WAIT_OBJECT_0);
    EXPECT_TRUE(CloseHandle(done));

    // The worker released its reference before signalling: ours is the last one.
    EXPECT_EQ(gate.destroyed, 0);
    EXPECT_EQ(callback->Release(), 0u);
    EXPECT_EQ(gate.destroyed, 1);

    // Idle again: a new synchronization starts.
    HANDLE third = nullptr;
    MAPISIB once_more = good_sib(&third);
    ASSERT_EQ(store_->SynchronizeInBackground(&once_more), S_OK);
    EXPECT_EQ(WaitForSingleObject(third, 30000), WAIT_OBJECT_0);
    EXPECT_TRUE(CloseHandle(third));
}

TEST(Version, LibraryAndHeaderAgree) {
    const std::string expected = std::to_string(MAPISYNC_VERSION_MAJOR) + "." +
                                 std::to_string(MAPISYNC_VERSION_MINOR) + "." +
                                 std::to_string(MAPISYNC_VERSION_PATCH);
    EXPECT_EQ(expected, mapisync_version());
}

} // namespace
