#include <curl/curl.h>

// curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are C variadic
// functions, which Swift cannot call: these typed wrappers are what it calls.

typedef size_t (*decant_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*decant_curl_seek_callback)(void *userdata, curl_off_t offset, int origin);

static inline CURLcode decant_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode decant_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode decant_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode decant_curl_setopt_ptr(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode decant_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode decant_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION or CURLOPT_READFUNCTION.
static inline CURLcode decant_curl_setopt_data_callback(CURL *handle, CURLoption option, decant_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode decant_curl_setopt_seek_callback(CURL *handle, decant_curl_seek_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

static inline CURLcode decant_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode decant_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The result of a finished transfer (a field of an anonymous union in CURLMsg).
static inline CURLcode decant_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

static inline int decant_curl_msg_is_done(const CURLMsg *message) {
    return message->msg == CURLMSG_DONE;
}
