import net from 'node:net';

/**
 * A TCP forwarder in front of the web app, so a test can cut a browser's connections the way a
 * network does (reset, then refused) and let them back, without touching the server.
 */
export type Forwarder = {
  port: number;
  /** Resets every open connection and refuses new ones until restore(). */
  cut: () => void;
  restore: () => void;
  close: () => Promise<void>;
};

export async function startForwarder(targetPort: number): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      refusing = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore: () => {
      refusing = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
