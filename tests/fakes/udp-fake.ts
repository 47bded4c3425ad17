// In-process UDP fake on 127.0.0.1 (NetBIOS name service): answers each datagram with what the
// handler returns (or nothing).
import dgram from 'node:dgram';

export interface UdpFake {
  readonly port: number;
  readonly received: Uint8Array[];
  close(): Promise<void>;
}

export async function startUdpFake(answer: (query: Uint8Array) => Uint8Array | undefined): Promise<UdpFake> {
  const socket = dgram.createSocket('udp4');
  const received: Uint8Array[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = new Uint8Array(msg);
    received.push(q);
    const a = answer(q);
    if (a) socket.send(a, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, received, close: () => new Promise<void>((r) => socket.close(() => r())) };
}
