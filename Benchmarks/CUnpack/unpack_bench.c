/* The C codec's own decode rate: every record of a delimited protobuf export (what
 * `atsbridge export candidates --format protobuf` writes) unpacked with protobuf-c's generated
 * code and freed, ROUNDS times, on one core. This is the floor under the Swift typed decode,
 * which unpacks with the same code and then builds Swift values.
 *
 *   Benchmarks/codec-c-limit.sh FILE [candidates|applications] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "atsbridge/v1/models.pb-c.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s FILE candidates|applications [ROUNDS]\n", argv[0]);
        return 64;
    }
    const ProtobufCMessageDescriptor *descriptor =
        strcmp(argv[2], "applications") == 0 ? &atsbridge__v1__application__descriptor
                                              : &atsbridge__v1__candidate__descriptor;
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 66; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size);
    if (fread(data, 1, (size_t)size, file) != (size_t)size) { perror("read"); return 74; }
    fclose(file);

    /* Index the delimited records once. */
    size_t capacity = 1024, count = 0;
    size_t *offsets = malloc(capacity * sizeof *offsets), *lengths = malloc(capacity * sizeof *lengths);
    for (size_t at = 0; at < (size_t)size;) {
        uint64_t length = 0;
        int shift = 0;
        while (at < (size_t)size) {
            uint8_t byte = data[at++];
            length |= (uint64_t)(byte & 0x7f) << shift;
            if (!(byte & 0x80)) break;
            shift += 7;
        }
        if (count == capacity) {
            capacity *= 2;
            offsets = realloc(offsets, capacity * sizeof *offsets);
            lengths = realloc(lengths, capacity * sizeof *lengths);
        }
        offsets[count] = at;
        lengths[count++] = (size_t)length;
        at += length;
    }

    double best = 0;
    for (int round = 0; round < rounds; round++) {
        double started = now();
        for (size_t i = 0; i < count; i++) {
            ProtobufCMessage *message =
                protobuf_c_message_unpack(descriptor, NULL, lengths[i], data + offsets[i]);
            if (!message) { fprintf(stderr, "record %zu does not unpack\n", i); return 65; }
            protobuf_c_message_free_unpacked(message, NULL);
        }
        double rate = (double)count / (now() - started);
        if (rate > best) best = rate;
        printf("round %d: %zu records, %.0f records/s\n", round + 1, count, rate);
    }
    printf("best: %.0f records/s (%.0f bytes/record)\n", best, (double)size / (double)count);
    return 0;
}
