// The sample store driven as Outlook drives it, through mapisync_sync_test, and judged by
// mapisync's protocol checker and leak accounting.
#include <gtest/gtest.h>

#include <mapisync.h>

#include "sample_store.h"
#include "support.h"

#include <cstdint>
#include <string>

using sample::Account;
using sample::Flaw;
using sample::SampleStore;
using namespace sample_test;

namespace {

constexpr uint32_t kTimeoutMs = 30000;
constexpr ULONG kFullSync = SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS;

// Progress calls in a full synchronization of `account`: "Connecting", one per folder, one per
// message, and "Synchronization complete".
size_t full_sync_progress_count(const Account &account) {
    return 1 + account.folders.size() + account.message_count() + 1;
}

// Runs one synchronization of a new store over `account`; the store is released afterwards and
// must then be gone.
SyncRun sync(const Account &account, ULONG flags, mapisync_recorder *recorder,
         Flaw flaw = Flaw::None) {
    SampleStore *store = SampleStore::create(account, flaw);
    EXPECT_NE(store, nullptr);
    if (store == nullptr) {
        return SyncRun();
    }
    mapisync_run *raw = nullptr;
    const HRESULT hr = mapisync_sync_test(store, flags, recorder, kTimeoutMs, &raw);
    EXPECT_EQ(hr, S_OK) << hr_text(hr);
    store->Release();
    EXPECT_EQ(SampleStore::live_count(), 0) << "the last Release did not destroy the store";
    return SyncRun(raw);
}

class SyncTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(recorder_) << "mapisync_recorder_new failed";
        events_before_ = mapisync_event_open_count();
    }
    void TearDown() override {
        EXPECT_EQ(mapisync_event_open_count(), events_before_) << "an event was left open";
    }

    RecorderPtr recorder_ = new_recorder();
    size_t events_before_ = 0;
};

TEST_F(SyncTest, FullSynchronizationPassesStrictly) {
    const Account account = Account::standard();
    SyncRun run = sync(account, kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(mapisync_run_final_status(run.get()), S_OK)
        << hr_text(mapisync_run_final_status(run.get()));

    const auto log = calls(recorder_.get());
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_PROGRESS), full_sync_progress_count(account));
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_ERROR), 0u);
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_DONE), 1u);
    EXPECT_EQ(log.back().slot, MAPISYNC_SLOT_DONE);
    EXPECT_EQ(log.front().text, "Connecting to alice@example.org");
    EXPECT_EQ(log[2].text, "Inbox: message 1 of 5, Quarterly report");
    const Call &last_progress = log[log.size() - 2];
    EXPECT_EQ(last_progress.index, last_progress.index_max);
    EXPECT_EQ(last_progress.index_max, account.folders.size() + account.message_count());
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

TEST_F(SyncTest, NonAsciiFolderNamesArriveAsUtf16) {
    SyncRun run = sync(Account::standard(), kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    bool seen = false;
    for (const Call &c : calls(recorder_.get())) {
        seen = seen || c.text == "Entw\xC3\xBC" "rfe: message 2 of 2, Gr\xC3\xBC\xC3\x9F" "e aus "
                                "M\xC3\xBC" "nchen";
    }
    EXPECT_TRUE(seen) << mapisync_run_report(run.get());
}

TEST_F(SyncTest, HierarchyOnlyReportsFoldersWithoutMessages) {
    const Account account = Account::standard();
    SyncRun run = sync(account, SYNC_DOWNLOAD_HIERARCHY, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    const auto log = calls(recorder_.get());
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_PROGRESS), 1 + account.folders.size() + 1);
}

TEST_F(SyncTest, HeadersOnlySaysHeaders) {
    SyncRun run = sync(Account::standard(), kFullSync | SYNC_GLOBAL_HEADERS, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(calls(recorder_.get())[2].text, "Inbox: header 1 of 5, Quarterly report");
}

// The user presses Cancel at the nth Progress: the store stops there and reports the cancel.
class CancelTest : public SyncTest, public ::testing::WithParamInterface<uint64_t> {};

TEST_P(CancelTest, CancelAtTheNthProgressStopsThereWithUserCancel) {
    const uint64_t n = GetParam();
    ASSERT_EQ(mapisync_recorder_cancel_progress_from(recorder_.get(), n), S_OK);
    SyncRun run = sync(Account::standard(), kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(mapisync_run_final_status(run.get()), MAPI_E_USER_CANCEL)
        << hr_text(mapisync_run_final_status(run.get()));

    const auto log = calls(recorder_.get());
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_PROGRESS), n) << "Progress went on after Cancel";
    ASSERT_GE(log.size(), 2u);
    EXPECT_EQ(log[log.size() - 2].answer, MAPI_E_USER_CANCEL);
    EXPECT_EQ(log.back().slot, MAPISYNC_SLOT_DONE);
    EXPECT_EQ(log.back().hr, MAPI_E_USER_CANCEL);
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

// The first Progress, one on a folder, one on a message, and the very last one.
INSTANTIATE_TEST_SUITE_P(ChosenProgress, CancelTest,
                         ::testing::Values(uint64_t{1}, uint64_t{2}, uint64_t{5},
                                           uint64_t{full_sync_progress_count(
                                               Account::standard())}));

TEST_F(SyncTest, AnyFailureFromProgressStopsTheWorkWithThatStatus) {
    ASSERT_EQ(mapisync_recorder_answer(recorder_.get(), MAPISYNC_SLOT_PROGRESS, 4, 4,
                                       MAPI_E_NETWORK_ERROR),
              S_OK);
    SyncRun run = sync(Account::standard(), kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(mapisync_run_final_status(run.get()), MAPI_E_NETWORK_ERROR);
    EXPECT_EQ(count_slot(calls(recorder_.get()), MAPISYNC_SLOT_PROGRESS), 4u);
}

TEST_F(SyncTest, FailingFolderReportsOneErrorAndCompletesPartially) {
    Account account = Account::standard();
    ASSERT_TRUE(account.fail_folder("Archive", MAPI_E_NO_ACCESS));
    SyncRun run = sync(account, kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(mapisync_run_final_status(run.get()), MAPI_W_PARTIAL_COMPLETION)
        << hr_text(mapisync_run_final_status(run.get()));

    const auto log = calls(recorder_.get());
    ASSERT_EQ(count_slot(log, MAPISYNC_SLOT_ERROR), 1u) << mapisync_run_report(run.get());
    size_t error_at = 0;
    while (log[error_at].slot != MAPISYNC_SLOT_ERROR) {
        ++error_at;
    }
    EXPECT_EQ(log[error_at].hr, MAPI_E_NO_ACCESS) << hr_text(log[error_at].hr);
    EXPECT_EQ(log[error_at].text, "Folder Archive could not be opened; its 4 item(s) were skipped");
    EXPECT_EQ(log[error_at - 1].text, "Folder Archive");
    // The folders after it are still synchronized; the Archive's messages are not.
    EXPECT_EQ(log[error_at + 1].text, "Folder Entw\xC3\xBC" "rfe");
    EXPECT_EQ(count_slot(log, MAPISYNC_SLOT_PROGRESS),
              full_sync_progress_count(account) - account.folders[3].messages.size());
}

TEST_F(SyncTest, AFailureAnsweredToErrorDoesNotStopTheSynchronization) {
    Account account = Account::standard();
    ASSERT_TRUE(account.fail_folder("Inbox", MAPI_E_NETWORK_ERROR));
    ASSERT_EQ(mapisync_recorder_answer(recorder_.get(), MAPISYNC_SLOT_ERROR, 1, UINT64_MAX,
                                       E_FAIL),
              S_OK);
    SyncRun run = sync(account, kFullSync, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_TRUE(mapisync_run_passed(run.get(), 1)) << mapisync_run_report(run.get());
    EXPECT_EQ(mapisync_run_final_status(run.get()), MAPI_W_PARTIAL_COMPLETION);
}

TEST_F(SyncTest, UnknownFlagsAreRefusedBeforeAnyCall) {
    SyncRun run = sync(Account::standard(), kFullSync | 0x00000004, recorder_.get());
    ASSERT_TRUE(run);
    EXPECT_FALSE(mapisync_run_passed(run.get(), 0)) << "a store that did not start passed";
    EXPECT_EQ(mapisync_recorder_count(recorder_.get()), 0u);
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

// ---- Deliberately broken stores: the checker must name what they did wrong. ----

TEST_F(SyncTest, BrokenStoreThatForgetsDoneOnCancelIsCaught) {
    ASSERT_EQ(mapisync_recorder_cancel_progress_from(recorder_.get(), 3), S_OK);
    SyncRun run = sync(Account::standard(), kFullSync, recorder_.get(), Flaw::ForgetsDoneOnCancel);
    ASSERT_TRUE(run);
    const std::string report = mapisync_run_report(run.get());
    EXPECT_FALSE(mapisync_run_passed(run.get(), 0)) << report;
    EXPECT_GE(mapisync_run_finding_count(run.get(), 0), 1u) << report;
    EXPECT_EQ(mapisync_run_final_status(run.get()), E_UNEXPECTED)
        << "Done never came, so there is no final status";
    EXPECT_NE(report.find("Done was never called"), std::string::npos) << report;
    EXPECT_EQ(count_slot(calls(recorder_.get()), MAPISYNC_SLOT_DONE), 0u);
}

TEST_F(SyncTest, BrokenStoreThatKeepsTheCallbackIsCaught) {
    SampleStore *store = SampleStore::create(Account::standard(), Flaw::KeepsCallback);
    ASSERT_NE(store, nullptr);
    mapisync_run *raw = nullptr;
    ASSERT_EQ(mapisync_sync_test(store, kFullSync, recorder_.get(), kTimeoutMs, &raw), S_OK);
    SyncRun run(raw);
    const std::string report = mapisync_run_report(run.get());
    // The calls themselves were right; the reference it kept is the finding.
    EXPECT_FALSE(mapisync_run_passed(run.get(), 0)) << report;
    EXPECT_GE(mapisync_run_finding_count(run.get(), 0), 1u) << report;
    EXPECT_EQ(mapisync_run_final_status(run.get()), S_OK);
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 1u);
    EXPECT_NE(report.find("still holds 1 reference"), std::string::npos) << report;

    store->Release(); // the store's destructor lets the callback go, late
    EXPECT_EQ(SampleStore::live_count(), 0);
    EXPECT_EQ(mapisync_recorder_outstanding_references(recorder_.get()), 0u);
}

} // namespace
