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

// The event-driven side of the multi interface (curl_multi_socket_action): libcurl
// says which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it back
// (CURLMOPT_TIMERFUNCTION); only the transfers on a ready socket are then run,
// where curl_multi_perform walks every transfer and polls each one's socket.

typedef int (*decant_curl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *userdata, void *socketdata);
typedef int (*decant_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userdata);

static inline CURLMcode decant_curl_multi_setopt_ptr(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLMcode decant_curl_multi_socket_callback(CURLM *multi, decant_curl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}

static inline CURLMcode decant_curl_multi_timer_callback(CURLM *multi, decant_curl_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

#ifdef __linux__
#include <sys/epoll.h>

// epoll for the loop's sockets (Linux): `struct epoll_event` is packed, which
// Swift does not import faithfully, so the loop goes through these.

#define DECANT_HAS_EPOLL 1

static inline int decant_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

/// Adds, changes (EPOLL_CTL_MOD) or removes `fd`; `readable`/`writable` say what to wait for.
static inline int decant_epoll_control(int epfd, int op, int fd, int readable, int writable) {
    struct epoll_event event;
    event.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
    event.data.u64 = 0;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}

/// Waits up to `timeout_ms`; fills `fds` and `masks` (CURL_CSELECT_IN/OUT; 0 after
/// an error or hang-up alone, which lets libcurl look at the socket itself) for up
/// to `max` ready descriptors and returns how many (-1 on error).
static inline int decant_epoll_wait(int epfd, int *fds, int *masks, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int count = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < count; i++) {
        uint32_t got = events[i].events;
        fds[i] = events[i].data.fd;
        masks[i] = ((got & (EPOLLIN | EPOLLPRI)) ? CURL_CSELECT_IN : 0) | ((got & EPOLLOUT) ? CURL_CSELECT_OUT : 0);
    }
    return count;
}
#endif
