/*
 * tap-read: how fast one process can read frames from a Linux TAP, one read() per frame (the
 * way a user-space stack on a TAP receives). The TAP is kept full by a writer on Linux's side:
 * a child process with a packet socket bound to the interface (PACKET_QDISC_BYPASS, sendmmsg
 * in batches) sends 1514-byte frames as fast as it can; what the TAP's queue cannot hold is
 * dropped by Linux, as on a wire. The parent reads until it has seen --frames frames of 1514 B,
 * timed from the first to the last, and prints
 *   tap-read: N frames of 1514 B in S s: F frames/s, M MB/s
 *
 *   tap-read --tap NAME --frames N      (root, inside a namespace of its own)
 */
#define _GNU_SOURCE
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tap.h"

#define BATCH 64
/* IEEE 802 local experimental ethertype 1: no protocol of Linux's looks at these frames. */
#define EXPERIMENTAL_ETHERTYPE 0x88b5

static void blast(unsigned int interface)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail("tap-read", "packet socket");
    int bypass = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass, sizeof bypass);
    struct sockaddr_ll address = {.sll_family = AF_PACKET, .sll_ifindex = (int)interface, .sll_halen = ETH_ALEN};
    memset(address.sll_addr, 0xff, ETH_ALEN);
    static unsigned char frame[FRAME_LENGTH];
    memset(frame, 0xff, ETH_ALEN);
    frame[6] = 0x02;
    frame[12] = EXPERIMENTAL_ETHERTYPE >> 8;
    frame[13] = EXPERIMENTAL_ETHERTYPE & 0xff;
    struct iovec part = {.iov_base = frame, .iov_len = sizeof frame};
    struct mmsghdr messages[BATCH];
    memset(messages, 0, sizeof messages);
    for (int i = 0; i < BATCH; i++)
    {
        messages[i].msg_hdr.msg_name = &address;
        messages[i].msg_hdr.msg_namelen = sizeof address;
        messages[i].msg_hdr.msg_iov = &part;
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;)
        sendmmsg(fd, messages, BATCH, 0);
}

int main(int argc, char **argv)
{
    const char *name;
    long frames;
    parse_arguments("tap-read", argc, argv, &name, &frames);
    int tap = open_tap("tap-read", name);
    unsigned int interface = if_nametoindex(name);
    if (interface == 0)
        fail("tap-read", "if_nametoindex");
    pid_t writer = fork();
    if (writer < 0)
        fail("tap-read", "fork");
    if (writer == 0)
        blast(interface);

    static unsigned char frame[2048];
    long seen = 0;
    double start = 0;
    while (seen < frames)
    {
        ssize_t length = read(tap, frame, sizeof frame);
        if (length < 0 && errno == EINTR)
            continue;
        if (length < 0)
            fail("tap-read", "read");
        if (length != FRAME_LENGTH)
            continue; /* Linux's own frames (router solicitations, MLD reports) do not count */
        if (seen++ == 0)
            start = seconds_now();
    }
    double elapsed = seconds_now() - start;
    kill(writer, SIGKILL);
    waitpid(writer, NULL, 0);
    /* From the first frame to the last: frames - 1 intervals. */
    double rate = (double)(frames - 1) / elapsed;
    printf("tap-read: %ld frames of %d B in %.6f s: %.0f frames/s, %.1f MB/s\n", frames, FRAME_LENGTH, elapsed, rate,
           rate * FRAME_LENGTH / 1e6);
    return 0;
}
