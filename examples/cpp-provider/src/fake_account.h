// A fake mail account: what the sample store "synchronizes". A real provider would talk to its
// server here; the sample only walks folders and messages, and lets a test make a folder fail.
#ifndef SAMPLE_FAKE_ACCOUNT_H
#define SAMPLE_FAKE_ACCOUNT_H

#include <mapisync.h>

#include <string>
#include <vector>

namespace sample {

struct Message {
    std::string subject; // UTF-8
};

struct Folder {
    std::string name; // UTF-8
    std::vector<Message> messages;
    // S_OK: the folder opens. A failure code: the server refuses it with that HRESULT.
    HRESULT failure = S_OK;
};

struct Account {
    std::string name;
    std::vector<Folder> folders;

    // Five folders, fourteen messages, nothing failing.
    static Account standard();

    // The number of messages in every folder.
    size_t message_count() const;

    // Makes the folder called `name` fail with `failure`; false when there is no such folder.
    bool fail_folder(const std::string &name, HRESULT failure);
};

} // namespace sample

#endif
