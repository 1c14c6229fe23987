import { describe, expect, it } from 'vitest';
import { socketFor } from '../../gateway/publish/broker-socket.js';

const opts = { clientId: 'sterilink-s-g', protocolVersion: 5 as const, username: 'cfg', password: 'cfg-pw' };

describe('broker socket (our own socket for mqtt:// and mqtts://)', () => {
  it('takes host and port from the URL, with the MQTT default ports', () => {
    expect(socketFor('mqtt://broker.example:1884', opts)?.options).toMatchObject({ protocol: 'mqtt', host: 'broker.example', port: 1884 });
    expect(socketFor('tcp://10.0.0.5', opts)?.options).toMatchObject({ protocol: 'mqtt', host: '10.0.0.5', port: 1883 });
    expect(socketFor('mqtts://broker.example', opts)?.options).toMatchObject({ protocol: 'mqtts', port: 8883 });
    expect(socketFor('ssl://broker.example:9883', opts)?.options).toMatchObject({ protocol: 'mqtts', port: 9883 });
    expect(socketFor('mqtt://[::1]:1883', opts)?.options).toMatchObject({ host: '::1' });
  });

  it('lets credentials and a clientId written in the URL win over the settings, as mqtt.connect() does', () => {
    const s = socketFor('mqtt://gw%40cssd:p%3Ass@127.0.0.1:1883?clientId=from-url', opts);
    expect(s?.options).toMatchObject({ username: 'gw@cssd', password: 'p:ss', clientId: 'from-url' });
    expect(socketFor('mqtt://127.0.0.1:1883', opts)?.options).toMatchObject({ username: 'cfg', password: 'cfg-pw', clientId: 'sterilink-s-g' });
  });

  it('leaves WebSocket URLs and SOCKS proxies to mqtt.connect()', () => {
    expect(socketFor('ws://broker.example:8080/mqtt', opts)).toBeUndefined();
    expect(socketFor('wss://broker.example/mqtt', opts)).toBeUndefined();
    expect(socketFor('mqtt://broker.example', opts, { MQTTJS_SOCKS_PROXY: 'socks5h://127.0.0.1:1080' })).toBeUndefined();
    expect(socketFor('mqtt://broker.example', opts, {})).toBeDefined();
  });

  it('does not change the options it was given', () => {
    const given = { ...opts };
    socketFor('mqtt://u:p@broker.example:1884?clientId=x', given);
    expect(given).toEqual(opts);
  });
});
