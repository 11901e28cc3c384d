/*
 * lwip-sink: lwIP (Debian's liblwip-dev 2.1.3) on a Linux TAP interface, as the peer that
 * `./unikernel bench` measures our host stack against. It listens on TCP port 1337, counts
 * the bytes of each connection until the peer closes, and prints
 *   lwip-sink: tcp 1337 received <N> bytes in <ms> ms
 * (the clock runs from the accept to the peer's FIN). It serves until it is killed.
 *
 *   lwip-sink --tap uk0 --ipv4 169.254.78.2/16 [--mac 02:00:5e:78:00:02]
 *
 * Built by the bench (tools/Unikernel/Bench/LwipSink.cs):
 *   clang -O2 -I/usr/include/lwip main.c -llwip -lpthread
 * The package's options are compiled into liblwip.so: /usr/include/lwip/lwipopts.h must be the
 * one this file sees (NO_SYS=0 with a tcpip thread and core locking, TCP_WND 65535, MSS 1460).
 *
 * Why not the package's own `tapif` netif (see /work/shared/refs/peers.md): its PBUF_POOL
 * elements are 616 B while its pbuf_alloc assumes 1536 B, so the first full-size frame
 * overflows the heap. This file has its own small netif instead: each frame is read into a
 * PBUF_RAM pbuf and handed to tcpip_input; frames go out with writev of the pbuf chain.
 * lwIP 2.1.3 answers neighbour solicitations only on a netif with NETIF_FLAG_MLD6, so it is set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
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
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#define PORT 1337
#define FRAME_MAX 1518 /* 1500 B MTU + 14 B header + a VLAN tag's 4 B */

static int tap_fd = -1;
static struct netif tap_netif;
static ip4_addr_t our_address, our_mask;
static uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x78, 0x00, 0x02};
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_signal = PTHREAD_COND_INITIALIZER;
static int ready;

struct transfer {
    uint64_t bytes;
    struct timespec start;
};

static void fail(const char *what)
{
    fprintf(stderr, "lwip-sink: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double milliseconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Runs on the tcpip thread: one frame out, the pbuf chain gathered by writev. */
static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    struct iovec parts[16];
    int count = 0;
    for (struct pbuf *q = p; q != NULL && count < 16; q = q->next)
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

static void sink_error(void *argument, err_t error)
{
    (void)error;
    /* The pcb is already freed by lwIP. */
    free(argument);
}

static err_t sink_receive(void *argument, struct tcp_pcb *pcb, struct pbuf *p, err_t error)
{
    struct transfer *transfer = argument;
    if (p == NULL)
    {
        /* The peer closed: report, then close our side. */
        printf("lwip-sink: tcp %d received %llu bytes in %.3f ms\n", PORT,
               (unsigned long long)transfer->bytes, milliseconds_since(&transfer->start));
        fflush(stdout);
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_err(pcb, NULL);
        free(transfer);
        if (tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
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

static err_t sink_accept(void *argument, struct tcp_pcb *pcb, err_t error)
{
    (void)argument;
    if (error != ERR_OK || pcb == NULL)
        return ERR_VAL;
    struct transfer *transfer = calloc(1, sizeof *transfer);
    if (transfer == NULL)
        return ERR_MEM;
    clock_gettime(CLOCK_MONOTONIC, &transfer->start);
    tcp_arg(pcb, transfer);
    tcp_recv(pcb, sink_receive);
    tcp_err(pcb, sink_error);
    return ERR_OK;
}

/* On the tcpip thread, once the stack runs: the interface, its addresses, the listener. */
static void set_up(void *argument)
{
    (void)argument;
    ip4_addr_t gateway;
    ip4_addr_set_zero(&gateway);
    if (netif_add(&tap_netif, &our_address, &our_mask, &gateway, NULL, tap_netif_init, tcpip_input) == NULL)
    {
        fprintf(stderr, "lwip-sink: netif_add failed\n");
        exit(1);
    }
    netif_create_ip6_linklocal_address(&tap_netif, 1);
    netif_set_default(&tap_netif);
    netif_set_up(&tap_netif);
    netif_set_link_up(&tap_netif);

    struct tcp_pcb *listener = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (listener == NULL || tcp_bind(listener, IP_ANY_TYPE, PORT) != ERR_OK)
    {
        fprintf(stderr, "lwip-sink: cannot bind tcp port %d\n", PORT);
        exit(1);
    }
    listener = tcp_listen_with_backlog(listener, 4);
    tcp_accept(listener, sink_accept);

    pthread_mutex_lock(&ready_lock);
    ready = 1;
    pthread_cond_signal(&ready_signal);
    pthread_mutex_unlock(&ready_lock);
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
        fprintf(stderr, "lwip-sink: --ipv4 wants an address with its prefix, e.g. 169.254.78.2/16\n");
        exit(2);
    }
    ip4_addr_set_u32(&our_mask, lwip_htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix)));
}

static void parse_mac(const char *text)
{
    unsigned int b[6];
    if (sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
    {
        fprintf(stderr, "lwip-sink: --mac wants six hex bytes, e.g. 02:00:5e:78:00:02\n");
        exit(2);
    }
    for (int i = 0; i < 6; i++)
        our_mac[i] = (uint8_t)b[i];
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
    }
    if (tap == NULL)
    {
        fprintf(stderr, "usage: lwip-sink --tap NAME [--ipv4 A.B.C.D/N] [--mac M]\n");
        return 2;
    }
    parse_ipv4(ipv4);
    signal(SIGPIPE, SIG_IGN);
    tap_fd = open_tap(tap);

    tcpip_init(set_up, NULL);
    pthread_mutex_lock(&ready_lock);
    while (!ready)
        pthread_cond_wait(&ready_signal, &ready_lock);
    pthread_mutex_unlock(&ready_lock);

    char link_local[IP6ADDR_STRLEN_MAX];
    ip6addr_ntoa_r(netif_ip6_addr(&tap_netif, 0), link_local, sizeof link_local);
    for (char *c = link_local; *c; c++) /* lwIP prints hex digits in capitals; ip(8) does not */
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
    printf("lwip-sink: %s mac %02x:%02x:%02x:%02x:%02x:%02x ipv4 %s ipv6 %s; listening on tcp %d (lwIP %s)\n",
           tap, our_mac[0], our_mac[1], our_mac[2], our_mac[3], our_mac[4], our_mac[5], ipv4, link_local, PORT,
           LWIP_VERSION_STRING);
    fflush(stdout);

    /* This thread only reads frames; the tcpip thread runs the stack. */
    for (;;)
    {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, FRAME_MAX, PBUF_RAM);
        if (p == NULL)
        {
            fprintf(stderr, "lwip-sink: out of memory\n");
            return 1;
        }
        ssize_t length = read(tap_fd, p->payload, FRAME_MAX);
        if (length <= 0)
        {
            pbuf_free(p);
            if (length < 0 && errno == EINTR)
                continue;
            fail("read from the TAP");
        }
        pbuf_realloc(p, (u16_t)length);
        if (tap_netif.input(p, &tap_netif) != ERR_OK)
            pbuf_free(p); /* the tcpip thread's mailbox is full: the frame is dropped, as a NIC would */
    }
}
