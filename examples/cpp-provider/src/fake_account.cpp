#include "fake_account.h"

namespace sample {

Account Account::standard() {
    Account account;
    account.name = "alice@example.org";
    account.folders = {
        {"Inbox",
         {{"Quarterly report"}, {"Lunch on Friday?"}, {"Re: build times"}, {"Invoice 2291"},
          {"Welcome aboard"}},
         S_OK},
        {"Sent Items", {{"Re: Lunch on Friday?"}, {"Slides for Monday"}, {"Holiday plan"}}, S_OK},
        {"Drafts", {}, S_OK},
        {"Archive", {{"2019 taxes"}, {"Old contract"}, {"Photos"}, {"Flight booking"}}, S_OK},
        {"Entw\xC3\xBC" "rfe", {{"Notizen"}, {"Gr\xC3\xBC\xC3\x9F" "e aus M\xC3\xBCnchen"}}, S_OK},
    };
    return account;
}

size_t Account::message_count() const {
    size_t count = 0;
    for (const Folder &folder : folders) {
        count += folder.messages.size();
    }
    return count;
}

bool Account::fail_folder(const std::string &folder_name, HRESULT failure) {
    for (Folder &folder : folders) {
        if (folder.name == folder_name) {
            folder.failure = failure;
            return true;
        }
    }
    return false;
}

} // namespace sample
