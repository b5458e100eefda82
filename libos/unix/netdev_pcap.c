/*
 * netdev_pcap.c — "pcap:IN[,OUT]": a port backed by pcap files (libpcap).
 *
 * IN is read as the port's receive side: every record becomes one received
 * frame carrying its capture timestamp (ns since the epoch) in pkt->ts_ns.
 * The source is finite: rx_finite is true and rx_eof becomes true when the
 * file is exhausted (or a read error such as a truncated file ends it).
 * IN may be empty or "-" for a transmit-only port (rx_eof true from the start).
 *
 * OUT, when given, receives every transmitted frame as a record of a
 * microsecond pcap (DLT_EN10MB, snaplen 65535) stamped with pkt->ts_ns, so the
 * output depends only on the packets, never on the wall clock.  Without OUT,
 * transmitted frames are counted in tx_dropped.
 *
 * Output errors are counted, never ignored.  Records are buffered (a stdio
 * buffer of PDEV_OUT_BUF bytes that this file flushes itself, at
 * PDEV_FLUSH_AT bytes, on netdev_flush and on close, so stdio never writes
 * on its own); a flush that fails turns the frames it held from tx_packets
 * into tx_errors, logs the reason once ("cannot write OUT: No space left on
 * device ...") and stops the output: every later frame is a tx_error too
 * (a pcap with a hole in it would be worse than a short one).
 *
 * Bad records are counted, never passed on and never fatal:
 *  - larger than the pool slot's room: rx_over_err + rx_dropped + rx_errors;
 *  - shorter than an Ethernet header: rx_frame_err + rx_errors;
 *  - a read error (truncated record or header): rx_frame_err + rx_errors,
 *    then end of file.
 * A record captured with a snaplen (caplen < len) is passed on as captured.
 *
 * The record after the last one returned is read ahead ("peeked") so that
 * next_rx_ts can tell its timestamp; libpcap's buffer stays valid until the
 * next pcap_next_ex, and the peeked bytes are copied out before that.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "netdev_unix.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"

#define PCAP_OUT_SNAPLEN 65535
#define PDEV_FLUSH_AT (64u * 1024)   /* buffered record bytes that trigger a flush */
#define PDEV_OUT_BUF (256u * 1024)   /* > PDEV_FLUSH_AT + one record: stdio never flushes */
#define PCAP_REC_HDR 16
#define ETH_HDR_LEN 14
#define ETH_OVERHEAD 18 /* header + 802.1Q tag: MTU + 18 = largest frame */

struct pdev_port {
    pcap_t *in;                /* NULL: no input */
    pcap_t *out_dead;          /* pcap_open_dead handle for the dumper */
    pcap_dumper_t *dumper;     /* NULL: no output */
    char *out_buf;             /* the output FILE's stdio buffer */
    char *out_path;
    bool out_failed;           /* a flush failed: the output is stopped */
    uint32_t pend_frames;      /* records since the last successful flush */
    uint64_t pend_bytes;       /* their frame bytes (tx_bytes) */
    size_t pend_file;          /* their bytes in the file */
    bool peeked;               /* next_hdr/next_data hold an unread record */
    struct pcap_pkthdr next_hdr;
    const u_char *next_data;
};

/* Returns the timestamp of a record read with nanosecond precision. */
static uint64_t pdev_hdr_ns(const struct pcap_pkthdr *h)
{
    return (uint64_t)h->ts.tv_sec * OS_NS_PER_SEC + (uint64_t)h->ts.tv_usec;
}

/* Reads the next record into the peek slot unless one is there.  Returns
 * true when a record is available; sets rx_eof at end of file or on error. */
static bool pdev_peek(struct netdev *dev)
{
    struct pdev_port *pp = dev->priv;
    if (pp->peeked)
        return true;
    if (!pp->in || dev->rx_eof)
        return false;
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(pp->in, &h, &data);
    if (r == 1) {
        pp->next_hdr = *h;
        pp->next_data = data;
        pp->peeked = true;
        return true;
    }
    if (r != PCAP_ERROR_BREAK) {
        /* Truncated or corrupt file: counted once, then the source ends. */
        dev->stats.rx_errors++;
        dev->stats.rx_frame_err++;
        os_log(OS_LOG_WARN, "pcap", "%s: read error, input ends: %s", dev->name,
               pcap_geterr(pp->in));
    }
    dev->rx_eof = true;
    return false;
}

/* Counts and skips a peeked record that cannot become a frame.  Returns
 * true when it was bad (and consumed). */
static bool pdev_reject_bad(struct netdev *dev, uint32_t room)
{
    struct pdev_port *pp = dev->priv;
    uint32_t caplen = pp->next_hdr.caplen;
    if (caplen > room) {
        dev->stats.rx_over_err++;
        dev->stats.rx_dropped++;
        dev->stats.rx_errors++;
    } else if (caplen < ETH_HDR_LEN) {
        dev->stats.rx_frame_err++;
        dev->stats.rx_errors++;
    } else {
        return false;
    }
    pp->peeked = false;
    return true;
}

static unsigned pdev_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct pdev_port *pp = dev->priv;
    unsigned got = 0;
    while (got < n && pdev_peek(dev)) {
        struct pkt *p = pkt_alloc(dev->pool);
        if (!p)
            break; /* pool empty: the record stays peeked for the next call */
        if (pdev_reject_bad(dev, pkt_tailroom(p))) {
            pkt_free(p);
            continue;
        }
        uint32_t len = pp->next_hdr.caplen;
        memcpy(pkt_put(p, len), pp->next_data, len);
        p->ts_ns = pdev_hdr_ns(&pp->next_hdr);
        pp->peeked = false;
        dev->stats.rx_packets++;
        dev->stats.rx_bytes += len;
        pkts[got++] = p;
    }
    return got;
}

/* Writes the buffered records to the file.  On failure the frames they
 * held move from tx_packets to tx_errors, the reason is logged once and the
 * output stops.  Returns 0 or -EIO. */
static int pdev_out_flush(struct netdev *dev)
{
    struct pdev_port *pp = dev->priv;
    if (!pp->dumper || pp->out_failed || pp->pend_frames == 0)
        return pp->out_failed ? -EIO : 0;
    FILE *f = pcap_dump_file(pp->dumper);
    errno = 0;
    if (fflush(f) == 0 && !ferror(f)) {
        pp->pend_frames = 0;
        pp->pend_bytes = 0;
        pp->pend_file = 0;
        return 0;
    }
    int err = errno ? errno : EIO;
    pp->out_failed = true;
    dev->stats.tx_packets -= pp->pend_frames;
    dev->stats.tx_bytes -= pp->pend_bytes;
    dev->stats.tx_errors += pp->pend_frames;
    os_log(OS_LOG_ERR, "pcap", "%s: cannot write %s: %s; output stopped, %u frame(s) lost "
           "and every later one counted as tx errors", dev->name, pp->out_path, strerror(err),
           (unsigned)pp->pend_frames);
    pp->pend_frames = 0;
    return -EIO;
}

static unsigned pdev_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct pdev_port *pp = dev->priv;
    unsigned sent = 0;
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        if (!pp->dumper || pp->out_failed || p->len > PCAP_OUT_SNAPLEN) {
            dev->stats.tx_dropped++;
            if (pp->dumper)
                dev->stats.tx_errors++;
        } else {
            struct pcap_pkthdr h = {.caplen = p->len, .len = p->len};
            h.ts.tv_sec = (time_t)(p->ts_ns / OS_NS_PER_SEC);
            h.ts.tv_usec = (suseconds_t)(p->ts_ns % OS_NS_PER_SEC / 1000u);
            pcap_dump((u_char *)pp->dumper, &h, p->data);
            dev->stats.tx_packets++;
            dev->stats.tx_bytes += p->len;
            pp->pend_frames++;
            pp->pend_bytes += p->len;
            pp->pend_file += PCAP_REC_HDR + p->len;
            sent++;
            if (pp->pend_file >= PDEV_FLUSH_AT && pdev_out_flush(dev) < 0)
                sent = 0; /* those frames are errors now */
        }
        pkt_free(p);
    }
    return sent;
}

static int pdev_flush(struct netdev *dev)
{
    return pdev_out_flush(dev);
}

static int pdev_next_rx_ts(struct netdev *dev, uint64_t *ts)
{
    struct pdev_port *pp = dev->priv;
    if (!pdev_peek(dev))
        return -ENODATA;
    *ts = pdev_hdr_ns(&pp->next_hdr);
    return 0;
}

static void pdev_close_port(struct netdev *dev)
{
    struct pdev_port *pp = dev->priv;
    if (pp) {
        if (pp->dumper) {
            pdev_out_flush(dev);
            pcap_dump_close(pp->dumper); /* closes the file */
        }
        os_free(pp->out_buf);
        os_free(pp->out_path);
        if (pp->out_dead)
            pcap_close(pp->out_dead);
        if (pp->in)
            pcap_close(pp->in);
        os_free(pp);
    }
    os_free(dev);
}

/* Opens `path` as the input.  Returns 0 or a negative errno (logged). */
static int pdev_open_in(struct pdev_port *pp, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        os_log(OS_LOG_ERR, "pcap", "%s: cannot open input: %s", path, strerror(err));
        return -err;
    }
    pp->in = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!pp->in) {
        fclose(f);
        os_log(OS_LOG_ERR, "pcap", "%s: not a readable pcap file: %s", path, errbuf);
        return -EINVAL;
    }
    int dlt = pcap_datalink(pp->in);
    if (dlt != DLT_EN10MB) {
        const char *name = pcap_datalink_val_to_name(dlt);
        os_log(OS_LOG_ERR, "pcap", "%s: link type %d (%s) is not Ethernet (DLT_EN10MB)", path,
               dlt, name ? name : "unknown");
        return -EPROTONOSUPPORT;
    }
    return 0;
}

/* Creates `path` as the output.  Returns 0 or a negative errno (logged). */
static int pdev_open_out(struct pdev_port *pp, const char *path)
{
    pp->out_dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_OUT_SNAPLEN,
                                                         PCAP_TSTAMP_PRECISION_MICRO);
    if (!pp->out_dead)
        return -ENOMEM;
    pp->out_buf = os_malloc(PDEV_OUT_BUF);
    pp->out_path = os_strdup(path);
    if (!pp->out_buf || !pp->out_path)
        return -ENOMEM;
    FILE *f = fopen(path, "wb");
    if (!f) {
        int err = errno;
        os_log(OS_LOG_ERR, "pcap", "%s: cannot create output: %s", path, strerror(err));
        return -err;
    }
    setvbuf(f, pp->out_buf, _IOFBF, PDEV_OUT_BUF);
    pp->dumper = pcap_dump_fopen(pp->out_dead, f);
    if (!pp->dumper) {
        fclose(f);
        os_log(OS_LOG_ERR, "pcap", "%s: cannot write pcap: %s", path, pcap_geterr(pp->out_dead));
        return -EIO;
    }
    return 0;
}

/* Names the port after the file's base name, without ".pcap" (at most
 * NETDEV_NAME_MAX - 1 characters), or "pcap" when there is none. */
static void pdev_port_name(char name[NETDEV_NAME_MAX], const char *path)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    size_t len = base ? strlen(base) : 0;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (dot && dot != base)
        len = (size_t)(dot - base);
    if (len == 0) {
        base = "pcap";
        len = 4;
    }
    if (len > NETDEV_NAME_MAX - 1)
        len = NETDEV_NAME_MAX - 1;
    memcpy(name, base, len);
    name[len] = '\0';
}

/* Derives a locally administered unicast MAC from the spec (FNV-1a). */
static void pdev_port_mac(uint8_t mac[6], const char *spec)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *s = (const unsigned char *)spec; *s; s++)
        h = (h ^ *s) * 0x100000001b3ull;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)(h >> (8 * i));
    mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

/* Splits "IN[,OUT]".  Returns 0 or -EINVAL/-ENOMEM; *in and *out are heap
 * copies (NULL when absent) that the caller frees with os_free. */
static int pdev_split_arg(const char *arg, char **in, char **out)
{
    *in = *out = NULL;
    const char *comma = strchr(arg, ',');
    size_t inlen = comma ? (size_t)(comma - arg) : strlen(arg);
    bool want_in = inlen > 0 && !(inlen == 1 && arg[0] == '-');
    bool want_out = comma && comma[1] != '\0';
    if (!want_in && !want_out) {
        os_log(OS_LOG_ERR, "pcap", "'pcap:%s': neither an input nor an output file", arg);
        return -EINVAL;
    }
    if (want_in && !(*in = strndup(arg, inlen)))
        return -ENOMEM;
    if (want_out && !(*out = os_strdup(comma + 1)))
        return -ENOMEM;
    return 0;
}

/* Fills the device fields that do not depend on the files. */
static void pdev_init_dev(struct netdev *dev, const char *arg, const char *in,
                          const char *out, struct pkt_pool *pool)
{
    dev->cls = &netdev_pcap_class;
    dev->pool = pool;
    pdev_port_name(dev->name, in ? in : out);
    pdev_port_mac(dev->mac, arg);
    dev->mtu = 1500; /* nominal; RX accepts any record that fits a slot */
    dev->link_up = true;
    dev->rx_finite = true;
    dev->rx_eof = in == NULL;
    dev->wait_fd = -1;
    dev->curr = dev->advertised = dev->supported = NETDEV_F_1GB_FD | NETDEV_F_COPPER;
}

/* Opens the files named by in/out into a new device.  Returns 0 and sets
 * *outp, or a negative errno (logged) with everything released. */
static int pdev_open_files(const char *arg, const char *in, const char *out,
                           struct pkt_pool *pool, struct netdev **outp)
{
    if (in && !pool) {
        os_log(OS_LOG_ERR, "pcap", "'pcap:%s': no packet pool for the input", arg);
        return -EINVAL;
    }
    struct netdev *dev = os_calloc(1, sizeof *dev);
    if (!dev)
        return -ENOMEM;
    dev->priv = os_calloc(1, sizeof(struct pdev_port));
    if (!dev->priv) {
        os_free(dev);
        return -ENOMEM;
    }
    pdev_init_dev(dev, arg, in, out, pool);
    int err = in ? pdev_open_in(dev->priv, in) : 0;
    if (!err && out)
        err = pdev_open_out(dev->priv, out);
    if (err) {
        pdev_close_port(dev);
        return err;
    }
    *outp = dev;
    return 0;
}

static int pdev_open(const char *arg, struct pkt_pool *pool, struct netdev **outp)
{
    char *in, *out;
    int err = pdev_split_arg(arg, &in, &out);
    if (!err)
        err = pdev_open_files(arg, in, out, pool, outp);
    os_free(in);
    os_free(out);
    return err;
}

const struct netdev_class netdev_pcap_class = {
    .type = "pcap",
    .open = pdev_open,
    .rx_burst = pdev_rx_burst,
    .tx_burst = pdev_tx_burst,
    .flush = pdev_flush,
    .next_rx_ts = pdev_next_rx_ts,
    .close = pdev_close_port,
};
