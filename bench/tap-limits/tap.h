/* What both TAP limit programs share: their arguments, opening a TAP, bringing it up, and a clock. */
#ifndef TAP_LIMITS_TAP_H
#define TAP_LIMITS_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The frame both programs move: a full-size Ethernet frame, 14 B header + 1500 B MTU. */
#define FRAME_LENGTH 1514

static void fail(const char *program, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
    exit(1);
}

/* Creates TAP `name` (no packet information header), blocking; the interface is brought up. */
static int open_tap(const char *program, const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fail(program, "open /dev/net/tun");
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &request) < 0)
        fail(program, "TUNSETIFF");
    int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0)
        fail(program, "socket");
    if (ioctl(control, SIOCGIFFLAGS, &request) < 0)
        fail(program, "SIOCGIFFLAGS");
    request.ifr_flags |= IFF_UP;
    if (ioctl(control, SIOCSIFFLAGS, &request) < 0)
        fail(program, "SIOCSIFFLAGS");
    close(control);
    return fd;
}

/* Reads `--tap NAME --frames N`, which both programs take; prints the usage and exits 2 without both. */
static void parse_arguments(const char *program, int argc, char **argv, const char **name, long *frames)
{
    *name = NULL;
    *frames = 0;
    for (int i = 1; i + 1 < argc; i += 2)
    {
        if (strcmp(argv[i], "--tap") == 0)
            *name = argv[i + 1];
        else if (strcmp(argv[i], "--frames") == 0)
            *frames = atol(argv[i + 1]);
    }
    if (*name == NULL || *frames <= 0)
    {
        fprintf(stderr, "usage: %s --tap NAME --frames N\n", program);
        exit(2);
    }
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

#endif
