/**
 * The child side of a forked host's IPC channel: requests in, replies out, and the rule that the
 * parent decides when a child ends. A child whose parent has gone (channel closed, EPIPE) exits.
 */
import type { HostReply, HostRequest } from './protocol.js';

/** Serves requests from the parent with `handle`, after saying `ready`. Call once, in a forked child. */
export function serveParent(handle: (msg: HostRequest) => Promise<HostReply>, ready: HostReply): void {
  if (!process.send) throw new Error('a gilscope host must run as a child process with an IPC channel');
  const rawSend = process.send.bind(process);
  const send = (reply: HostReply): void => {
    if (!process.connected) process.exit(0);
    rawSend(reply, undefined, undefined, (err: Error | null) => {
      if (err) process.exit(0);
    });
  };
  process.on('message', (msg: HostRequest) => {
    void handle(msg).then(send);
  });
  // An idle host must not keep running alone.
  process.on('disconnect', () => process.exit(0));
  send(ready);
}
