/*
 * tap-write: how fast one process can write frames into a Linux TAP, one write() per frame
 * (the way a user-space stack on a TAP sends), counted by Linux. Each frame is 1514 B: an
 * IPv4 UDP datagram of 1472 B to Linux's own address on the TAP, port 9 (discard, RFC 863),
 * where nothing listens, so Linux's whole receive path runs inside each write (Ethernet, IPv4,
 * UDP, then the drop; its port-unreachable replies are rate-limited). Timed over --frames
 * writes; Linux's count is the delta of Ip InReceives in /proc/net/snmp. Prints
 *   tap-write: N frames of 1514 B written in S s, Linux received R: F frames/s, M MB/s
 *
 *   tap-write --tap NAME --frames N      (root, inside a namespace of its own)
 */
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include "tap.h"

#define LINUX_ADDRESS "169.254.80.1"
#define SENDER_ADDRESS "169.254.80.2"
#define PREFIX_MASK "255.255.0.0"
#define DISCARD_PORT 9
#define ETHERNET_HEADER 14
#define IPV4_HEADER 20
#define UDP_HEADER 8

static void set_address(const char *name, unsigned long request_code, const char *text)
{
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    struct sockaddr_in *address = (struct sockaddr_in *)&request.ifr_addr;
    address->sin_family = AF_INET;
    inet_pton(AF_INET, text, &address->sin_addr);
    int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0 || ioctl(control, request_code, &request) < 0)
        fail("tap-write", "setting the TAP's IPv4 address");
    close(control);
}

static void linux_mac(const char *name, unsigned char *mac)
{
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0 || ioctl(control, SIOCGIFHWADDR, &request) < 0)
        fail("tap-write", "SIOCGIFHWADDR");
    memcpy(mac, request.ifr_hwaddr.sa_data, 6);
    close(control);
}

/* Ip InReceives of this namespace (/proc/net/snmp: a line of names, then a line of values). */
static long long ip_in_receives(void)
{
    FILE *snmp = fopen("/proc/net/snmp", "r");
    if (snmp == NULL)
        fail("tap-write", "/proc/net/snmp");
    char names[4096], values[4096];
    long long result = -1;
    while (result < 0 && fgets(names, sizeof names, snmp) && fgets(values, sizeof values, snmp))
    {
        if (strncmp(names, "Ip:", 3) != 0)
            continue;
        char *name_state, *value_state;
        char *name = strtok_r(names, " \n", &name_state);
        char *value = strtok_r(values, " \n", &value_state);
        while (name && value)
        {
            if (strcmp(name, "InReceives") == 0)
                result = atoll(value);
            name = strtok_r(NULL, " \n", &name_state);
            value = strtok_r(NULL, " \n", &value_state);
        }
    }
    fclose(snmp);
    if (result < 0)
    {
        fprintf(stderr, "tap-write: no Ip InReceives in /proc/net/snmp\n");
        exit(1);
    }
    return result;
}

static unsigned short checksum(const unsigned char *data, int length)
{
    unsigned long sum = 0;
    for (int i = 0; i + 1 < length; i += 2)
        sum += (unsigned long)(data[i] << 8 | data[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned short)~sum;
}

static void build_frame(unsigned char *frame, const unsigned char *destination)
{
    static const unsigned char source[6] = {0x02, 0x00, 0x5e, 0x7a, 0x00, 0x02};
    memset(frame, 0, FRAME_LENGTH);
    memcpy(frame, destination, 6);
    memcpy(frame + 6, source, 6);
    frame[12] = 0x08; /* IPv4 */
    unsigned char *ip = frame + ETHERNET_HEADER;
    int ip_length = FRAME_LENGTH - ETHERNET_HEADER;
    ip[0] = 0x45;
    ip[2] = (unsigned char)(ip_length >> 8);
    ip[3] = (unsigned char)ip_length;
    ip[8] = 64;         /* TTL */
    ip[9] = IPPROTO_UDP;
    inet_pton(AF_INET, SENDER_ADDRESS, ip + 12);
    inet_pton(AF_INET, LINUX_ADDRESS, ip + 16);
    unsigned short sum = checksum(ip, IPV4_HEADER);
    ip[10] = (unsigned char)(sum >> 8);
    ip[11] = (unsigned char)sum;
    unsigned char *udp = ip + IPV4_HEADER;
    int udp_length = ip_length - IPV4_HEADER;
    udp[1] = DISCARD_PORT;
    udp[3] = DISCARD_PORT;
    udp[4] = (unsigned char)(udp_length >> 8);
    udp[5] = (unsigned char)udp_length;
    /* UDP checksum 0: none, which IPv4 allows (RFC 768) */
    for (int i = IPV4_HEADER + UDP_HEADER; i < ip_length; i++)
        ip[i] = (unsigned char)i;
}

int main(int argc, char **argv)
{
    const char *name;
    long frames;
    parse_arguments("tap-write", argc, argv, &name, &frames);
    int tap = open_tap("tap-write", name);
    set_address(name, SIOCSIFADDR, LINUX_ADDRESS);
    set_address(name, SIOCSIFNETMASK, PREFIX_MASK);
    unsigned char destination[6];
    linux_mac(name, destination);
    static unsigned char frame[FRAME_LENGTH];
    build_frame(frame, destination);

    long long before = ip_in_receives();
    double start = seconds_now();
    for (long i = 0; i < frames; i++)
        if (write(tap, frame, sizeof frame) != (ssize_t)sizeof frame && errno != EINTR)
            fail("tap-write", "write");
    double elapsed = seconds_now() - start;
    long long received = ip_in_receives() - before;
    double rate = (double)received / elapsed;
    printf("tap-write: %ld frames of %d B written in %.6f s, Linux received %lld: %.0f frames/s, %.1f MB/s\n", frames,
           FRAME_LENGTH, elapsed, received, rate, rate * FRAME_LENGTH / 1e6);
    return 0;
}
