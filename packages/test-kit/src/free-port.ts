import { readFileSync } from 'node:fs';
import net from 'node:net';

// A port a test hands to a process that binds it later (seconds later, for a launcher that starts
// the gateway after seven subgraphs). The OS's own pick (`listen(0)`) comes from the ephemeral
// range, the range every outgoing connection of the machine also takes its local port from, so in
// the meantime a connection to PostgreSQL or RabbitMQ can take it (EADDRINUSE when the process
// binds). Ports below that range are never handed out to outgoing connections: pick one there at
// random and check that nothing listens on it now.

const FIRST_PORT = 20_000;

/** The lowest port of the OS's ephemeral range (Linux reports it; 32768 elsewhere). */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > FIRST_PORT + 1_000 ? port : 32_768;
  } catch {
    return 32_768;
  }
}

const lastPort = ephemeralRangeStart() - 1;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port free on 127.0.0.1 right now, outside the range outgoing connections take theirs from. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (lastPort - FIRST_PORT + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${FIRST_PORT}–${lastPort}`);
}
