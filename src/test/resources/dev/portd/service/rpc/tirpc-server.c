/*
 * A minimal RPC server built on libtirpc, as RPC daemons are: svc_create() registers program
 * 400123 version 1 on udp and tcp with the portmapper (RPCBPROC_SET over /run/rpcbind.sock),
 * serves NULL, and on SIGTERM unregisters (svc_unreg: RPCBPROC_UNSET) and exits.
 */
#include <rpc/rpc.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#define PROG 400123
#define VERS 1

static void dispatch(struct svc_req *rq, SVCXPRT *xprt) {
    if (rq->rq_proc == NULLPROC) {
        svc_sendreply(xprt, (xdrproc_t) xdr_void, NULL);
    } else {
        svcerr_noproc(xprt);
    }
}

static void stop(int sig) {
    (void) sig;
    svc_unreg(PROG, VERS);   /* not async-signal-safe in general; main is parked in poll() */
    _exit(0);
}

int main(void) {
    if (!svc_create(dispatch, PROG, VERS, "udp") || !svc_create(dispatch, PROG, VERS, "tcp")) {
        fprintf(stderr, "svc_create failed\n");
        return 1;
    }
    signal(SIGTERM, stop);
    printf("registered\n");
    fflush(stdout);
    svc_run();
    return 1;
}
