/*
 * lwip-tuned: lwIP 2.1.3's core, built from source with the tuned options of lwipopts.h (this
 * directory), on a Linux TAP interface: the peer `./unikernel bench` measures our host stack
 * against, both ways. One thread, no OS (NO_SYS=1):
 *   poll() on the TAP, then up to 256 frames each read() straight into a PBUF_POOL pbuf and
 *   handed to ethernet_input, then sys_check_timeouts(); frames go out with writev of the
 *   pbuf chain. NETIF_FLAG_MLD6 is set, or lwIP 2.1.3 never answers neighbour solicitations.
 *
 *   lwip-tuned --tap uk0 --ipv4 169.254.78.2/16 [--mac 02:00:5e:78:00:02] [--port 1337]
 *       a sink: counts each connection's bytes (tcp_recved, then free) until the peer closes
 *       and prints  lwip-tuned: tcp PORT received N bytes in MS ms
 *   lwip-tuned ... --port 19 --send BYTES
 *       a source: sends BYTES to each connection (no-copy tcp_write of a static buffer, Nagle
 *       off), closes, and prints  lwip-tuned: tcp PORT sent N bytes in MS ms
 *       (build it with -DTCP_SND_BUF=65535: a bigger send buffer makes lwIP 2.1.3 slower, since
 *       tcp_output walks the whole unacked queue)
 *
 * Built by the bench (tools/Unikernel/Bench/LwipTuned.cs) from the core sources in
 * lwip-2.1.3-core-src.tar.xz, unpacked under build/:
 *   clang -O2 -I bench/lwip-tuned -I/usr/include/lwip harness.c, and every .c file of src/core,
 *   src/core/ipv4 and src/core/ipv6, and src/netif/ethernet.c
 * (liblwip-dev's headers under /usr/include/lwip are those of the same 2.1.3 core.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define FRAME_MAX PBUF_POOL_BUFSIZE /* one whole frame per pool pbuf */
#define FRAMES_PER_WAKEUP 256
#define POLL_MILLISECONDS 5
#define CHAIN_MAX 16
#define SEND_CHUNK 65535 /* the most one tcp_write takes (u16_t) */

static int tap_fd = -1;
static struct netif tap_netif;
static ip4_addr_t our_address, our_mask;
static uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x78, 0x00, 0x02};
static int port = 1337;
static unsigned long long send_bytes; /* 0: a sink */
static uint8_t send_buffer[SEND_CHUNK];

struct transfer {
    unsigned long long bytes;
    struct timespec start;
};

static void fail(const char *what)
{
    fprintf(stderr, "lwip-tuned: %s: %s\n", what, strerror(errno));
    exit(1);
}

u32_t sys_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (u32_t)(now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

static double milliseconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* One frame out: the pbuf chain gathered by writev. */
static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    struct iovec parts[CHAIN_MAX];
    int count = 0;
    for (struct pbuf *q = p; q != NULL && count < CHAIN_MAX; q = q->next)
    {
        parts[count].iov_base = q->payload;
        parts[count].iov_len = q->len;
        count++;
    }
    if (writev(tap_fd, parts, count) < 0)
        return ERR_IF;
    return ERR_OK;
}

static err_t tap_netif_init(struct netif *netif)
{
    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = tap_linkoutput;
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, our_mac, 6);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
    return ERR_OK;
}

static void report(struct tcp_pcb *pcb, struct transfer *transfer, const char *verb)
{
    printf("lwip-tuned: tcp %d %s %llu bytes in %.3f ms\n", port, verb, transfer->bytes, milliseconds_since(&transfer->start));
    fflush(stdout);
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    free(transfer);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

static void transfer_error(void *argument, err_t error)
{
    (void)error;
    /* lwIP has freed the pcb already. */
    fprintf(stderr, "lwip-tuned: connection lost (%d)\n", error);
    free(argument);
}

static err_t sink_receive(void *argument, struct tcp_pcb *pcb, struct pbuf *p, err_t error)
{
    struct transfer *transfer = argument;
    if (p == NULL)
    {
        report(pcb, transfer, "received");
        return ERR_OK;
    }
    if (error != ERR_OK)
    {
        pbuf_free(p);
        return error;
    }
    transfer->bytes += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

/* Queues as much of the stream as the send buffer takes; closes once all of it is queued. */
static void source_push(struct tcp_pcb *pcb, struct transfer *transfer)
{
    while (transfer->bytes < send_bytes)
    {
        unsigned long long left = send_bytes - transfer->bytes;
        u16_t room = tcp_sndbuf(pcb);
        u16_t count = (u16_t)(left < room ? left : room);
        if (count > SEND_CHUNK)
            count = SEND_CHUNK;
        if (count == 0 || tcp_write(pcb, send_buffer, count, 0 /* no copy */) != ERR_OK)
            break;
        transfer->bytes += count;
    }
    tcp_output(pcb);
    if (transfer->bytes == send_bytes)
        report(pcb, transfer, "sent");
}

static err_t source_sent(void *argument, struct tcp_pcb *pcb, u16_t length)
{
    (void)length;
    source_push(pcb, argument);
    return ERR_OK;
}

static err_t source_receive(void *argument, struct tcp_pcb *pcb, struct pbuf *p, err_t error)
{
    (void)argument;
    (void)error;
    if (p != NULL)
    {
        /* Whatever the peer says is read and dropped. */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    }
    return ERR_OK;
}

static err_t accept_connection(void *argument, struct tcp_pcb *pcb, err_t error)
{
    (void)argument;
    if (error != ERR_OK || pcb == NULL)
        return ERR_VAL;
    struct transfer *transfer = calloc(1, sizeof *transfer);
    if (transfer == NULL)
        return ERR_MEM;
    clock_gettime(CLOCK_MONOTONIC, &transfer->start);
    tcp_arg(pcb, transfer);
    tcp_err(pcb, transfer_error);
    if (send_bytes == 0)
    {
        tcp_recv(pcb, sink_receive);
        return ERR_OK;
    }
    tcp_nagle_disable(pcb);
    tcp_recv(pcb, source_receive);
    tcp_sent(pcb, source_sent);
    source_push(pcb, transfer);
    return ERR_OK;
}

static int open_tap(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fail("open /dev/net/tun");
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(fd, TUNSETIFF, &request) < 0)
        fail("TUNSETIFF");
    if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
        fail("O_NONBLOCK");
    return fd;
}

static void parse_ipv4(const char *text)
{
    char address[64];
    snprintf(address, sizeof address, "%s", text);
    int prefix = 16; /* as 169.254.0.0/16 is */
    char *slash = strchr(address, '/');
    if (slash != NULL)
    {
        *slash = 0;
        prefix = atoi(slash + 1);
    }
    if (!ip4addr_aton(address, &our_address) || prefix < 1 || prefix > 32)
    {
        fprintf(stderr, "lwip-tuned: --ipv4 wants an address with its prefix, e.g. 169.254.78.2/16\n");
        exit(2);
    }
    ip4_addr_set_u32(&our_mask, lwip_htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix)));
}

static void parse_mac(const char *text)
{
    unsigned int b[6];
    if (sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
    {
        fprintf(stderr, "lwip-tuned: --mac wants six hex bytes, e.g. 02:00:5e:78:00:02\n");
        exit(2);
    }
    for (int i = 0; i < 6; i++)
        our_mac[i] = (uint8_t)b[i];
}

/* Reads every waiting frame, up to FRAMES_PER_WAKEUP, into the stack. */
static void drain(void)
{
    for (int i = 0; i < FRAMES_PER_WAKEUP; i++)
    {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, FRAME_MAX, PBUF_POOL);
        if (p == NULL)
            return; /* the pool is empty: the frames wait in the kernel */
        ssize_t length = read(tap_fd, p->payload, FRAME_MAX);
        if (length <= 0)
        {
            pbuf_free(p);
            if (length < 0 && errno != EAGAIN && errno != EINTR)
                fail("read from the TAP");
            return;
        }
        pbuf_realloc(p, (u16_t)length);
        if (tap_netif.input(p, &tap_netif) != ERR_OK)
            pbuf_free(p);
    }
}

int main(int argc, char **argv)
{
    const char *tap = NULL;
    const char *ipv4 = "169.254.78.2/16";
    for (int i = 1; i + 1 < argc; i += 2)
    {
        if (strcmp(argv[i], "--tap") == 0)
            tap = argv[i + 1];
        else if (strcmp(argv[i], "--ipv4") == 0)
            ipv4 = argv[i + 1];
        else if (strcmp(argv[i], "--mac") == 0)
            parse_mac(argv[i + 1]);
        else if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--send") == 0)
            send_bytes = strtoull(argv[i + 1], NULL, 10);
    }
    if (tap == NULL || port <= 0 || port > 65535)
    {
        fprintf(stderr, "usage: lwip-tuned --tap NAME [--ipv4 A.B.C.D/N] [--mac M] [--port P] [--send BYTES]\n");
        return 2;
    }
    parse_ipv4(ipv4);
    for (size_t i = 0; i < sizeof send_buffer; i++)
        send_buffer[i] = (uint8_t)(i * 7 + 1);
    signal(SIGPIPE, SIG_IGN);
    tap_fd = open_tap(tap);

    lwip_init();
    ip4_addr_t gateway;
    ip4_addr_set_zero(&gateway);
    if (netif_add(&tap_netif, &our_address, &our_mask, &gateway, NULL, tap_netif_init, ethernet_input) == NULL)
    {
        fprintf(stderr, "lwip-tuned: netif_add failed\n");
        return 1;
    }
    netif_create_ip6_linklocal_address(&tap_netif, 1);
    netif_set_default(&tap_netif);
    netif_set_up(&tap_netif);
    netif_set_link_up(&tap_netif);

    struct tcp_pcb *listener = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (listener == NULL || tcp_bind(listener, IP_ANY_TYPE, (u16_t)port) != ERR_OK)
    {
        fprintf(stderr, "lwip-tuned: cannot bind tcp port %d\n", port);
        return 1;
    }
    listener = tcp_listen_with_backlog(listener, 4);
    tcp_accept(listener, accept_connection);

    printf("lwip-tuned: %s mac %02x:%02x:%02x:%02x:%02x:%02x ipv4 %s; %s on tcp %d (lwIP %s, TCP_WND %d, TCP_SND_BUF %d)\n",
           tap, our_mac[0], our_mac[1], our_mac[2], our_mac[3], our_mac[4], our_mac[5], ipv4,
           send_bytes ? "sending" : "listening", port, LWIP_VERSION_STRING, TCP_WND, TCP_SND_BUF);
    fflush(stdout);

    for (;;)
    {
        struct pollfd wait = {.fd = tap_fd, .events = POLLIN};
        if (poll(&wait, 1, POLL_MILLISECONDS) < 0 && errno != EINTR)
            fail("poll");
        drain();
        sys_check_timeouts();
    }
}
