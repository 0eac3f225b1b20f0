package dev.portd.service.exec;

import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an epoll channel's socket out of its event loop's epoll set at once. Netty's own
 * {@code Channel.deregister()} does it only in a task queued behind the current one, and until that
 * task runs the event loop may still wait on epoll and react to the socket: on EPOLLRDHUP Netty
 * reads even with autoRead off, so portd would consume, and lose, the bytes of a client that wrote
 * and half-closed at once, and close the connection under the program it was handed to.
 *
 * <p>Netty 4.2 keeps the registration behind {@code AbstractEpollChannel.registration()}, a
 * protected method of a package-private class, so it is reached by reflection (portd runs on the
 * class path, where that is allowed). Cancelling it on
 * the event loop removes the fd from epoll there and then (EPOLL_CTL_DEL); what Netty does later
 * for the channel, its own deregister or close, finds the registration cancelled and goes on as
 * usual. Where the method is missing (another Netty), this says so once in the log and portd falls
 * back on Netty's deferred deregister.
 */
final class EpollDetach {
    private static final Logger log = LoggerFactory.getLogger(EpollDetach.class);
    private static final AtomicBoolean warned = new AtomicBoolean();
    private static final Method REGISTRATION = registrationMethod();

    private EpollDetach() {
    }

    /**
     * Removes {@code ch}'s fd from epoll now, or, if it cannot, leaves that to Netty's deregister.
     * Call it on the channel's event loop, while the channel is registered.
     */
    static void now(EpollSocketChannel ch) {
        assert ch.eventLoop().inEventLoop();
        if (REGISTRATION == null) {
            return;
        }
        try {
            ((IoRegistration) REGISTRATION.invoke(ch)).cancel();
        } catch (ReflectiveOperationException | RuntimeException e) {
            fallBack(e);
        }
    }

    private static Method registrationMethod() {
        try {
            Method m = Class.forName("io.netty.channel.epoll.AbstractEpollChannel").getDeclaredMethod("registration");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            fallBack(e);
            return null;
        }
    }

    private static void fallBack(Exception why) {
        if (warned.compareAndSet(false, true)) {
            log.warn("exec: cannot take a socket out of epoll at once ({}); relying on Netty's deferred deregister, "
                    + "which can let portd read a client's first bytes on a busy event loop", why.toString());
        }
    }
}
