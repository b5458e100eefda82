/*
 * net_stream.h — os/stream.h on the unikernel images, over libos/net.
 *
 * net_stream.c implements every os_stream_* call with a TCP connection of
 * one stack, the one attached here (the image has one management
 * interface).  Hosts are numeric IPv4 addresses: there is no resolver, so a
 * name gives -EHOSTUNREACH and an IPv6 address -EAFNOSUPPORT.  Before a
 * stack is attached every call fails with -ENETDOWN.  os_stream_fd()
 * returns -1: the unikernel's run loop polls the stack every turn and the
 * connection manager runs at least every millisecond (sw_connmgr_due), and
 * the stack's timers join the loop's idle deadline (net_next_deadline).
 *
 * Linked into the unikernel images (libos/net/module.mk: NET_STREAM_SRC)
 * in place of libos/unix/stream.c; the hosted test tools link it too.
 * Single-threaded, on the stack's thread.
 */
#ifndef NET_STREAM_H
#define NET_STREAM_H

struct net_stack;

/* Makes `st` the stack that os_stream_* calls use (NULL detaches; streams
 * must be closed first).  Returns nothing. */
void net_stream_attach(struct net_stack *st);

#endif /* NET_STREAM_H */
