/** Entry of a child process that runs tasks (mode 'process') or a whole batch (another pool size). */
import { handle, readyMessage } from './host.js';
import type { HostReply, HostRequest } from './protocol.js';

if (!process.send) throw new Error('process-host must run as a child process with an IPC channel');
const rawSend = process.send.bind(process);
/** Sends to the parent; if the parent has gone (channel closed, EPIPE), this host just ends. */
function send(reply: HostReply): void {
  if (!process.connected) process.exit(0);
  rawSend(reply, undefined, undefined, (err: Error | null) => {
    if (err) process.exit(0);
  });
}
process.on('message', (msg: HostRequest) => {
  void handle(msg).then(send);
});
// The parent decides when this process ends: an idle host must not keep running alone.
process.on('disconnect', () => process.exit(0));
send(readyMessage());
