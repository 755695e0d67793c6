/** A real mosquitto, the real MQTT live feed on it, and an mqtt.js publisher, all stopped when the test ends. */
import type { TestContext } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import type { LiveFeed, LiveMessage } from '../../src/cloud/live/live-feed.ts';
import { MqttLiveFeed } from '../../src/cloud/live/mqtt-live-feed.ts';
import { deviceTopic, type DeviceChannel } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';

export interface LiveWorld {
  readonly broker: Mosquitto;
  readonly feed: MqttLiveFeed;
  readonly publisher: MqttClient;
  publish(deviceId: string, channel: DeviceChannel, payload: unknown): Promise<void>;
}

export async function liveWorld(t: TestContext): Promise<LiveWorld> {
  const broker = await Mosquitto.start();
  t.after(() => broker.dispose());
  const feed = new MqttLiveFeed({ url: broker.url, clientId: 'dashboard-test-live' });
  await feed.start();
  t.after(() => feed.stop());
  const publisher = connect(broker.url, { protocolVersion: 5, clientId: `dashboard-test-pub-${process.pid}` });
  await new Promise<void>((resolve, reject) => {
    publisher.once('connect', () => { resolve(); });
    publisher.once('error', reject);
  });
  t.after(() => publisher.endAsync());
  return {
    broker,
    feed,
    publisher,
    async publish(deviceId, channel, payload) {
      await publisher.publishAsync(deviceTopic(deviceId, channel), JSON.stringify(payload), { qos: 1 });
    },
  };
}

/** The real feed, recording each watch and unwatch and each message it hands on. */
export class RecordingFeed implements LiveFeed {
  readonly watched: string[] = [];
  readonly unwatched: string[] = [];
  readonly delivered: LiveMessage[] = [];

  constructor(private readonly inner: LiveFeed) {}

  watchDevice(deviceId: string, onMessage: (message: LiveMessage) => void): () => void {
    this.watched.push(deviceId);
    const unwatch = this.inner.watchDevice(deviceId, (message) => {
      this.delivered.push(message);
      onMessage(message);
    });
    return () => {
      this.unwatched.push(deviceId);
      unwatch();
    };
  }
}
