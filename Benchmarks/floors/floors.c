// The floors under typed streaming on this machine: what the parts ATSBridge is built from
// (SQLite, TCP over loopback, protobuf-c) cost per nested candidate on their own, in C, with
// nothing of ATSBridge's Swift around them. See Benchmarks/floors.sh and docs/benchmarks.md.
//
//   floors scan   STORE  INTEGRATION  the server's page scan, with SQLite's C API alone
//   floors tcp    DUMP                pages of 500 over loopback, sender and receiver threads
//   floors unpack DUMP                protobuf-c unpack of pages of 500 into an arena, and the
//                                     heap blocks a Swift value of each candidate owns
//   floors all STORE INTEGRATION DUMP one of each; the last line is for PeerBenchmarks --floors
//   floors rtt                        a unary call's round trip over loopback, directly and
//                                     through an event loop's hand-offs (wall time, p50 and p99)
//   floors writes STORE DEST          SQLite alone writing the rows a first sync wrote into
//                                     STORE into a new store DEST (wall and CPU seconds)
//
// STORE and DUMP are PeerBenchmarks' dataset (/tmp/atsbridge-peer-bench), but for writes, whose
// STORE is the one SyncBenchmarks' first sync wrote. Each mode but rtt and writes prints CPU
// nanoseconds per candidate (thread or process CPU time, not wall time).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ATSBridgeArena.h"
#include "atsbridge/v1/read.pb-c.h"

enum { PAGE = 500 };

// Room for one page's bytes: 16 KiB per record on average.
static const size_t PAGE_BYTES = (size_t)8 << 20;

static double thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double process_cpu_ns(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e9
        + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e3;
}

static void fail(const char *what) {
    fprintf(stderr, "floors: %s\n", what);
    exit(1);
}

// ---- the dump: UInt32 little-endian length, then the record, for every candidate ----

typedef struct {
    uint8_t *bytes;
    size_t size;
    size_t count;
    size_t *offsets;  // each record's first byte
    size_t *lengths;
} Dump;

static Dump load(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) fail("cannot open the dump (run PeerBenchmarks once to build it)");
    fseek(file, 0, SEEK_END);
    Dump dump = {0};
    dump.size = (size_t)ftell(file);
    fseek(file, 0, SEEK_SET);
    dump.bytes = malloc(dump.size);
    if (fread(dump.bytes, 1, dump.size, file) != dump.size) fail("short read of the dump");
    fclose(file);
    size_t capacity = 1 << 16;
    dump.offsets = malloc(capacity * sizeof(size_t));
    dump.lengths = malloc(capacity * sizeof(size_t));
    for (size_t at = 0; at + 4 <= dump.size;) {
        uint32_t length;
        memcpy(&length, dump.bytes + at, 4);
        if (at + 4 + length > dump.size) fail("a record runs past the end of the dump");
        if (dump.count == capacity) {
            capacity *= 2;
            dump.offsets = realloc(dump.offsets, capacity * sizeof(size_t));
            dump.lengths = realloc(dump.lengths, capacity * sizeof(size_t));
        }
        dump.offsets[dump.count] = at + 4;
        dump.lengths[dump.count] = length;
        dump.count++;
        at += 4 + length;
    }
    return dump;
}

static size_t put_varint(uint8_t *out, uint64_t value) {
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

// Page `index` of the dump as a CandidatePage's wire bytes (items only); returns its length.
static size_t build_page(const Dump *dump, size_t index, uint8_t *out, size_t *items) {
    size_t first = index * PAGE, last = first + PAGE < dump->count ? first + PAGE : dump->count;
    size_t length = 0;
    for (size_t i = first; i < last; i++) {
        if (length + 11 + dump->lengths[i] > PAGE_BYTES) fail("a page of the dump does not fit its buffer");
        out[length++] = 0x0A;
        length += put_varint(out + length, dump->lengths[i]);
        memcpy(out + length, dump->bytes + dump->offsets[i], dump->lengths[i]);
        length += dump->lengths[i];
    }
    *items = last - first;
    return length;
}

// ---- scan: the server's storage-order page query, as PageScan runs it ----

static double scan(const char *store, const char *integration, int rounds) {
    sqlite3 *db;
    // As GRDB opens the server's connections: no SQLite mutex (one thread per connection).
    if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        fail("cannot open the store");
    // The server's reader connections: a 2 MiB cache, no memory map.
    sqlite3_exec(db, "PRAGMA cache_size = -2048; PRAGMA mmap_size = 0", NULL, NULL, NULL);
    sqlite3_stmt *statement;
    const char *sql =
        "SELECT id, changed_at, touched_at, remote_deleted_at, data, candidate_id, job_id, stage_id, view, row "
        "FROM records INDEXED BY records_scan "
        "WHERE integration_id = ? AND model = ? AND row > ? AND remote_deleted_at IS NULL ORDER BY row LIMIT ?";
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK)
        fail(sqlite3_errmsg(db));
    uint8_t *page = malloc(PAGE_BYTES);
    double result = 0;
    // The first round reads the file into the page cache, where the server finds it.
    for (int round = 0; round < rounds; round++) {
        sqlite3_int64 after = 0;
        size_t records = 0, bytes = 0;
        double started = thread_cpu_ns();
        for (;;) {
            sqlite3_bind_text(statement, 1, integration, -1, SQLITE_STATIC);
            sqlite3_bind_int(statement, 2, 3);  // Model.candidate
            sqlite3_bind_int64(statement, 3, after);
            sqlite3_bind_int(statement, 4, PAGE + 1);
            size_t length = 0, items = 0;
            int more = 0;
            while (sqlite3_step(statement) == SQLITE_ROW) {
                if (items == PAGE) {
                    more = 1;
                    break;
                }
                // The page item: the record's bytes, its changed_at and its view spliced in.
                const void *data = sqlite3_column_blob(statement, 4);
                size_t data_length = (size_t)sqlite3_column_bytes(statement, 4);
                const void *view = sqlite3_column_blob(statement, 8);
                size_t view_length = (size_t)sqlite3_column_bytes(statement, 8);
                uint8_t times[11] = {0x18};
                size_t times_length = 1 + put_varint(times + 1, (uint64_t)sqlite3_column_int64(statement, 1));
                if (length + 11 + data_length + times_length + view_length > PAGE_BYTES) fail("a page overflows");
                page[length++] = 0x0A;
                length += put_varint(page + length, data_length + times_length + view_length);
                memcpy(page + length, data, data_length);
                length += data_length;
                memcpy(page + length, times, times_length);
                length += times_length;
                if (view_length > 0) memcpy(page + length, view, view_length);
                length += view_length;
                after = sqlite3_column_int64(statement, 9);
                items++;
            }
            sqlite3_reset(statement);
            records += items;
            bytes += length;
            if (!more) break;
        }
        if (records == 0) fail("no candidates of that integration in the store");
        result = (thread_cpu_ns() - started) / (double)records;
        printf("scan round %d: %zu candidates, %.0f MB of pages, %.0f ns CPU per candidate\n", round + 1, records,
            bytes / 1e6, result);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    free(page);
    return result;
}

// ---- tcp: pages of 500 with a 10-byte frame header, sender thread to receiver thread ----

typedef struct {
    int fd;
    const uint8_t *pages;
    const size_t *lengths;
    size_t count;
    int rounds;
} Sender;

static void *send_pages(void *argument) {
    Sender *sender = argument;
    uint8_t header[10] = {0};
    for (int round = 0; round < sender->rounds; round++) {
        const uint8_t *page = sender->pages;
        for (size_t i = 0; i < sender->count; i++) {
            uint32_t length = htonl((uint32_t)sender->lengths[i]);
            memcpy(header, &length, 4);
            struct iovec parts[2] = {{header, 10}, {(void *)page, sender->lengths[i]}};
            size_t left = 10 + sender->lengths[i];
            int first = 0;
            while (left > 0) {
                ssize_t written = writev(sender->fd, parts + first, 2 - first);
                if (written < 0) fail("send failed");
                left -= (size_t)written;
                while (first < 2 && (size_t)written >= parts[first].iov_len) {
                    written -= (ssize_t)parts[first].iov_len;
                    first++;
                }
                if (first < 2) {
                    parts[first].iov_base = (uint8_t *)parts[first].iov_base + written;
                    parts[first].iov_len -= (size_t)written;
                }
            }
            page += sender->lengths[i];
        }
    }
    shutdown(sender->fd, SHUT_WR);
    return NULL;
}

// A connected pair over loopback (the server's end without Nagle's delay); returns the listener.
static int loopback_pair(int *client, int *server) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t size = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 1)) fail("listen failed");
    getsockname(listener, (struct sockaddr *)&address, &size);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*client, (struct sockaddr *)&address, sizeof address)) fail("connect failed");
    *server = accept(listener, NULL, NULL);
    int one = 1;
    setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return listener;
}

static double tcp(Dump dump, int rounds) {
    size_t pages = (dump.count + PAGE - 1) / PAGE;
    uint8_t *all = malloc(dump.size + dump.count * 12);
    size_t *lengths = malloc(pages * sizeof(size_t));
    size_t total = 0, items;
    for (size_t i = 0; i < pages; i++) {
        lengths[i] = build_page(&dump, i, all + total, &items);
        total += lengths[i];
    }
    int client, server;
    int listener = loopback_pair(&client, &server);
    Sender sender = {server, all, lengths, pages, rounds};
    double started = process_cpu_ns();
    pthread_t thread;
    pthread_create(&thread, NULL, send_pages, &sender);
    // The receiver reads into one 64 KiB buffer, as an event loop does, and looks at nothing.
    uint8_t buffer[65536];
    size_t received = 0;
    for (;;) {
        ssize_t n = read(client, buffer, sizeof buffer);
        if (n < 0) fail("receive failed");
        if (n == 0) break;
        received += (size_t)n;
    }
    pthread_join(thread, NULL);
    double spent = process_cpu_ns() - started;
    size_t records = dump.count * rounds;
    printf("tcp: %zu candidates in pages of %d, %.0f MB, %.0f ns CPU per candidate (sender and receiver)\n",
        records, PAGE, received / 1e6, spent / (double)records);
    close(client);
    close(server);
    close(listener);
    free(all);
    free(lengths);
    return spent / (double)records;
}

// ---- unpack: protobuf-c into an arena, and the heap blocks a Swift value owns ----

// Swift keeps strings of up to 15 UTF-8 bytes inside the value; a longer string, a non-empty
// array and non-empty bytes are one heap block each. Nested messages are stored inline. The
// decoder makes a string that refers to another record once per page (SharedStrings: every
// string of the summaries and hiring team members, every `*_id` but `remote_id`, 16 to 128
// bytes), so a repeated one is not a block again. Counted here as if every repeat were found:
// the decoder's table is direct-mapped, so a few repeats that share a slot are made again, and
// this count is a lower bound of its blocks.
#define SEEN_SLOTS 8192
typedef struct {
    const char *strings[SEEN_SLOTS];
} Seen;

static int is_reference(const ProtobufCMessageDescriptor *message, const ProtobufCFieldDescriptor *field) {
    static const char *const shared[] = {"JobSummary", "StageSummary", "TagSummary", "HiringTeamMember"};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        if (strcmp(message->short_name, shared[i]) == 0) return 1;
    }
    size_t length = strlen(field->name);
    return length > 3 && strcmp(field->name + length - 3, "_id") == 0 && strcmp(field->name, "remote_id") != 0;
}

// Whether `text` is a block of its own: a first sight of it on the page when it is a reference.
static int string_block(const char *text, int reference, Seen *seen) {
    size_t length = strlen(text);
    if (length <= 15) return 0;
    if (!reference || length > 128) return 1;
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < length; i++) hash = (hash ^ (uint8_t)text[i]) * 1099511628211ull;
    for (size_t probe = 0, slot = hash % SEEN_SLOTS; probe < SEEN_SLOTS; probe++, slot = (slot + 1) % SEEN_SLOTS) {
        if (seen->strings[slot] == NULL) {
            seen->strings[slot] = text;
            return 1;
        }
        if (strcmp(seen->strings[slot], text) == 0) return 0;
    }
    fail("a page holds more distinct references than the table of seen strings");
    return 1;
}

static size_t swift_blocks(const ProtobufCMessage *message, Seen *seen) {
    const ProtobufCMessageDescriptor *descriptor = message->descriptor;
    size_t blocks = 0;
    for (unsigned i = 0; i < descriptor->n_fields; i++) {
        const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
        const uint8_t *base = (const uint8_t *)message;
        int reference = is_reference(descriptor, field);
        // A oneof's members share one union: only the one its case names is set.
        if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t set_case = *(const uint32_t *)(base + field->quantifier_offset);
            if (set_case != field->id) continue;
        }
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + field->quantifier_offset);
            if (n == 0) continue;
            blocks++;
            void *const *elements = *(void *const *const *)(base + field->offset);
            for (size_t e = 0; e < n; e++) {
                if (field->type == PROTOBUF_C_TYPE_MESSAGE) blocks += swift_blocks(elements[e], seen);
                // Repeated strings are never shared.
                if (field->type == PROTOBUF_C_TYPE_STRING) blocks += string_block(elements[e], 0, seen);
            }
            continue;
        }
        if (field->type == PROTOBUF_C_TYPE_STRING) {
            const char *text = *(const char *const *)(base + field->offset);
            if (text) blocks += string_block(text, reference, seen);
        } else if (field->type == PROTOBUF_C_TYPE_BYTES) {
            const ProtobufCBinaryData *data = (const ProtobufCBinaryData *)(base + field->offset);
            if (data->len > 0) blocks++;
        } else if (field->type == PROTOBUF_C_TYPE_MESSAGE) {
            const ProtobufCMessage *nested = *(const ProtobufCMessage *const *)(base + field->offset);
            if (nested) blocks += swift_blocks(nested, seen);
        }
    }
    return blocks;
}

// A thread that frees what another allocated, one batch at a time.
typedef struct {
    pthread_barrier_t handed, done;
    void **blocks;
    size_t count;
    int stop;
    double cpu_ns;
} Freer;

static void *free_batches(void *argument) {
    Freer *freer = argument;
    for (;;) {
        pthread_barrier_wait(&freer->handed);
        if (freer->stop) return NULL;
        double started = thread_cpu_ns();
        for (size_t i = 0; i < freer->count; i++) free(freer->blocks[i]);
        freer->cpu_ns += thread_cpu_ns() - started;
        pthread_barrier_wait(&freer->done);
    }
}

typedef struct {
    double unpack_ns, blocks, heap_ns, heap_cross_ns;
} Decoding;

static Decoding unpack(Dump dump, int rounds) {
    Decoding result = {0};
    size_t pages = (dump.count + PAGE - 1) / PAGE;
    uint8_t *page = malloc(PAGE_BYTES);
    size_t region_size = 4 << 20;
    void *region = malloc(region_size);
    size_t blocks = 0, items, bytes = 0;
    Seen *seen = malloc(sizeof(Seen));
    for (int round = 0; round < rounds; round++) {
        double spent = 0;
        for (size_t p = 0; p < pages; p++) {
            size_t length = build_page(&dump, p, page, &items);
            double started = thread_cpu_ns();
            ATSBArena arena;
            atsb_arena_init(&arena, region, region_size, (size_t)1 << 30);
            ProtobufCAllocator allocator = atsb_arena_allocator(&arena);
            Atsbridge__V1__CandidatePage *unpacked = atsbridge__v1__candidate_page__unpack(&allocator, length, page);
            if (!unpacked || unpacked->n_items != items) fail("a page did not unpack");
            atsb_arena_destroy(&arena);
            spent += thread_cpu_ns() - started;
            if (round == 0) {
                bytes += length;
                // Counted outside the timing, on a second unpack.
                atsb_arena_init(&arena, region, region_size, (size_t)1 << 30);
                unpacked = atsbridge__v1__candidate_page__unpack(&allocator, length, page);
                memset(seen, 0, sizeof *seen);
                for (size_t i = 0; i < unpacked->n_items; i++) blocks += swift_blocks(&unpacked->items[i]->base, seen);
                atsb_arena_destroy(&arena);
            }
        }
        result.unpack_ns = spent / (double)dump.count;
        printf("unpack round %d: %.0f ns CPU per candidate (protobuf-c into an arena)\n", round + 1, result.unpack_ns);
        if (round == 0) {
            printf("pages of %d: %.0f bytes per candidate; heap blocks a Swift value of each candidate owns: %.1f\n",
                PAGE, bytes / (double)dump.count, blocks / (double)dump.count);
        }
    }
    // What those blocks cost to allocate and free (48 bytes each, about a Swift string's
    // storage): on one thread, and freed by another as when a page decoded ahead is dropped.
    size_t per_page = (size_t)((double)blocks / (double)dump.count * PAGE + 0.5);
    void **held = malloc(per_page * sizeof(void *));
    Freer freer = {.blocks = held, .count = per_page};
    pthread_barrier_init(&freer.handed, NULL, 2);
    pthread_barrier_init(&freer.done, NULL, 2);
    pthread_t thread;
    pthread_create(&thread, NULL, free_batches, &freer);
    for (int cross = 0; cross <= 1; cross++) {
        double spent = 0;
        freer.cpu_ns = 0;
        for (int round = 0; round < rounds; round++) {
            for (size_t p = 0; p < pages; p++) {
                double started = thread_cpu_ns();
                for (size_t b = 0; b < per_page; b++) {
                    held[b] = malloc(48);
                    memset(held[b], 1, 16);
                }
                if (!cross) {
                    for (size_t b = 0; b < per_page; b++) free(held[b]);
                }
                spent += thread_cpu_ns() - started;
                if (cross) {
                    pthread_barrier_wait(&freer.handed);
                    pthread_barrier_wait(&freer.done);
                }
            }
        }
        spent = (spent + freer.cpu_ns) / ((double)rounds * (double)dump.count);
        *(cross ? &result.heap_cross_ns : &result.heap_ns) = spent;
        printf("malloc and free of those blocks, %s: %.0f ns CPU per candidate\n",
            cross ? "freed by another thread" : "on one thread", spent);
    }
    freer.stop = 1;
    pthread_barrier_wait(&freer.handed);
    pthread_join(thread, NULL);
    result.blocks = (double)blocks / (double)dump.count;
    free(held);
    free(page);
    free(region);
    free(seen);
    return result;
}

// ---- rtt: a unary call's round trip over loopback, in wall time ----

// A sequential Ping costs little CPU; what it waits for is threads being woken. This measures
// that wait on its own, two ways, with a responder thread that reads a 16-byte frame and writes
// it back (a server answering on the thread that read the request, as ATSBridge's does):
// - direct: the caller writes the frame and blocks in read, two wake-ups per round trip;
// - handoff: built as a client on an event loop is, the caller hands the frame to a loop thread
//   (an eventfd it polls with the socket), which writes it, reads the answer and wakes the
//   caller (a condition variable): four wake-ups, as ATSBridge's Swift client and server make.
enum { RTT_FRAME = 16, RTT_CALLS = 3000, RTT_WARMUP = 300 };

typedef struct {
    int fd, eventfd, stop;
    pthread_mutex_t lock;
    pthread_cond_t answered;
    int done;
} Loop;

static double monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

// Reads one whole frame; 0 when the connection ended first.
static int read_frame(int fd, uint8_t *frame) {
    size_t got = 0;
    while (got < RTT_FRAME) {
        ssize_t n = read(fd, frame + got, RTT_FRAME - got);
        if (n <= 0) return 0;
        got += (size_t)n;
    }
    return 1;
}

static void *respond(void *argument) {
    int fd = *(int *)argument;
    uint8_t frame[RTT_FRAME];
    while (read_frame(fd, frame)) {
        if (write(fd, frame, sizeof frame) != (ssize_t)sizeof frame) return NULL;
    }
    return NULL;
}

static void *run_loop(void *argument) {
    Loop *loop = argument;
    int poll = epoll_create1(0);
    struct epoll_event wanted = {.events = EPOLLIN, .data.fd = loop->eventfd};
    epoll_ctl(poll, EPOLL_CTL_ADD, loop->eventfd, &wanted);
    wanted.data.fd = loop->fd;
    epoll_ctl(poll, EPOLL_CTL_ADD, loop->fd, &wanted);
    uint8_t frame[RTT_FRAME] = {0};
    while (!__atomic_load_n(&loop->stop, __ATOMIC_ACQUIRE)) {
        struct epoll_event ready[2];
        int n = epoll_wait(poll, ready, 2, -1);
        for (int i = 0; i < n; i++) {
            if (ready[i].data.fd == loop->eventfd) {
                uint64_t count;
                if (read(loop->eventfd, &count, sizeof count) != sizeof count) fail("eventfd read failed");
                if (__atomic_load_n(&loop->stop, __ATOMIC_ACQUIRE)) break;
                if (write(loop->fd, frame, sizeof frame) != (ssize_t)sizeof frame) fail("rtt write failed");
            } else {
                if (!read_frame(loop->fd, frame)) fail("rtt read failed");
                pthread_mutex_lock(&loop->lock);
                loop->done = 1;
                pthread_cond_signal(&loop->answered);
                pthread_mutex_unlock(&loop->lock);
            }
        }
    }
    close(poll);
    return NULL;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// The p50 of one way, in µs; its p99 is printed.
static double rtt(int handoff) {
    int client, server;
    int listener = loopback_pair(&client, &server);
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t responder, looper;
    if (pthread_create(&responder, NULL, respond, &server)) fail("cannot start the responder");
    Loop loop = {.fd = client, .eventfd = handoff ? eventfd(0, 0) : -1};
    if (handoff && loop.eventfd < 0) fail("eventfd failed");
    pthread_mutex_init(&loop.lock, NULL);
    pthread_cond_init(&loop.answered, NULL);
    if (handoff && pthread_create(&looper, NULL, run_loop, &loop)) fail("cannot start the loop thread");
    double *times = malloc(RTT_CALLS * sizeof(double));
    for (int call = 0; call < RTT_WARMUP + RTT_CALLS; call++) {
        double started = monotonic_ns();
        if (handoff) {
            uint64_t wake = 1;
            if (write(loop.eventfd, &wake, sizeof wake) != sizeof wake) fail("eventfd write failed");
            pthread_mutex_lock(&loop.lock);
            while (!loop.done) pthread_cond_wait(&loop.answered, &loop.lock);
            loop.done = 0;
            pthread_mutex_unlock(&loop.lock);
        } else {
            uint8_t frame[RTT_FRAME] = {0};
            if (write(client, frame, sizeof frame) != (ssize_t)sizeof frame) fail("rtt write failed");
            if (!read_frame(client, frame)) fail("rtt read failed");
        }
        if (call >= RTT_WARMUP) times[call - RTT_WARMUP] = (monotonic_ns() - started) / 1e3;
    }
    if (handoff) {
        __atomic_store_n(&loop.stop, 1, __ATOMIC_RELEASE);
        uint64_t wake = 1;
        if (write(loop.eventfd, &wake, sizeof wake) != sizeof wake) fail("eventfd write failed");
        pthread_join(looper, NULL);
    }
    shutdown(client, SHUT_RDWR);
    pthread_join(responder, NULL);
    qsort(times, RTT_CALLS, sizeof(double), compare_doubles);
    double p50 = times[RTT_CALLS / 2], p99 = times[RTT_CALLS * 99 / 100];
    printf("rtt %s: %d round trips of %d bytes, p50 %.1f µs, p99 %.1f µs\n", handoff ? "through hand-offs" : "direct",
        RTT_CALLS, RTT_FRAME, p50, p99);
    free(times);
    if (handoff) close(loop.eventfd);
    pthread_mutex_destroy(&loop.lock);
    pthread_cond_destroy(&loop.answered);
    close(client);
    close(server);
    close(listener);
    return p50;
}

// ---- writes: the first sync's rows, written by SQLite alone ----

// The first sync is bound by the store's one writer. This is the least that writer can do: the
// same rows (records, the change log, the sources' fingerprints, candidates' email addresses)
// copied by SQLite itself into a new store with the same tables, indexes and settings as the
// server's writer (WAL, synchronous NORMAL, a 64 MiB cache), records and their change log in
// transactions of 10,000 in the order the sync wrote them, with nothing bound or looked up by
// the caller. Checkpoints are left out, as the store runs them on a thread of their own. The
// fingerprints and email addresses go in one statement each, in key order, which SQLite may
// copy faster than the sync's batches insert them; the sync's updates of parents it touches
// are not replayed (their rows are copied as they ended). A lower bound, then.
static void exec_sql(sqlite3 *db, const char *sql) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "floors: %s: %s\n", sql, message ? message : "?");
        exit(1);
    }
}

// The first column of the first row, or 0.
static sqlite3_int64 scalar(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement;
    sqlite3_int64 value = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) fail(sqlite3_errmsg(db));
    if (sqlite3_step(statement) == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
}

static int writes(const char *store, const char *dest) {
    sqlite3 *source, *db;
    if (sqlite3_open_v2(store, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail("cannot open the store");
    if (sqlite3_open_v2(dest, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
        fail("cannot create the destination");
    exec_sql(db,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
        " PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0");
    sqlite3_stmt *schema;
    sqlite3_prepare_v2(source,
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index')"
        " AND tbl_name IN ('records', 'changes', 'source_hashes', 'candidate_emails')"
        " ORDER BY type = 'index'",
        -1, &schema, NULL);
    while (sqlite3_step(schema) == SQLITE_ROW) exec_sql(db, (const char *)sqlite3_column_text(schema, 0));
    sqlite3_finalize(schema);
    sqlite3_int64 rows = scalar(source, "SELECT max(row) FROM records");
    sqlite3_int64 changes = scalar(source, "SELECT max(sequence) FROM changes");
    sqlite3_close(source);
    if (rows == 0) fail("the store holds no records");
    char *attach = sqlite3_mprintf("ATTACH 'file:' || %Q || '?mode=ro' AS src", store);
    exec_sql(db, attach);
    sqlite3_free(attach);
    double wall = monotonic_ns(), cpu = process_cpu_ns();
    sqlite3_int64 last = rows > changes ? rows : changes;
    char sql[512];
    for (sqlite3_int64 first = 1; first <= last; first += 10000) {
        snprintf(sql, sizeof sql,
            "BEGIN; INSERT INTO main.records SELECT * FROM src.records WHERE row BETWEEN %lld AND %lld;"
            " INSERT INTO main.changes SELECT * FROM src.changes WHERE sequence BETWEEN %lld AND %lld; COMMIT",
            first, first + 9999, first, first + 9999);
        exec_sql(db, sql);
    }
    exec_sql(db,
        "BEGIN; INSERT INTO main.source_hashes SELECT * FROM src.source_hashes;"
        " INSERT INTO main.candidate_emails SELECT * FROM src.candidate_emails; COMMIT");
    wall = (monotonic_ns() - wall) / 1e9;
    cpu = (process_cpu_ns() - cpu) / 1e9;
    const char *tables[] = {"records", "changes", "source_hashes", "candidate_emails"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char *check = sqlite3_mprintf("SELECT (SELECT count(*) FROM main.%s) = (SELECT count(*) FROM src.%s)",
            tables[i], tables[i]);
        if (scalar(db, check) != 1) fail("a table was not copied whole");
        sqlite3_free(check);
    }
    sqlite3_close(db);
    printf("writes: %lld records with their change log, fingerprints and email addresses in %.2f s (%.2f s of CPU),"
           " %.0f records/s\n",
        rows, wall, cpu, rows / wall);
    printf("floors writes=%.3f writes_cpu=%.3f records=%lld\n", wall, cpu, rows);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "scan") == 0) return scan(argv[2], argv[3], 3) > 0 ? 0 : 1;
    if (argc == 3 && strcmp(argv[1], "tcp") == 0) return tcp(load(argv[2]), 3) > 0 ? 0 : 1;
    if (argc == 3 && strcmp(argv[1], "unpack") == 0) return unpack(load(argv[2]), 3).unpack_ns > 0 ? 0 : 1;
    if (argc == 4 && strcmp(argv[1], "writes") == 0) return writes(argv[2], argv[3]);
    if (argc == 2 && strcmp(argv[1], "rtt") == 0) {
        // The last line is for PeerBenchmarks to read, in µs.
        double direct = rtt(0), handoff = rtt(1);
        printf("floors rtt=%.1f rtt_handoff=%.1f\n", direct, handoff);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "all") == 0) {
        // One of each, for a benchmark round: the last line is for PeerBenchmarks to read.
        double scan_ns = scan(argv[2], argv[3], 2);
        Dump dump = load(argv[4]);
        double tcp_ns = tcp(dump, 1);
        Decoding decoding = unpack(dump, 1);
        // The smaller of the two heap figures is the floor; the other is what freeing on
        // another thread adds.
        double heap_ns = decoding.heap_ns < decoding.heap_cross_ns ? decoding.heap_ns : decoding.heap_cross_ns;
        printf("floors scan=%.0f tcp=%.0f unpack=%.0f heap=%.0f heap_cross=%.0f blocks=%.1f\n", scan_ns, tcp_ns,
            decoding.unpack_ns, heap_ns, decoding.heap_cross_ns, decoding.blocks);
        return 0;
    }
    fprintf(stderr,
        "usage: floors scan STORE INTEGRATION | floors tcp DUMP | floors unpack DUMP"
        " | floors all STORE INTEGRATION DUMP | floors rtt | floors writes STORE DEST\n");
    return 64;
}
