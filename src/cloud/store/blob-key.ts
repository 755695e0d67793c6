import { LookoutError } from '../../errors.ts';
import { ID_PATTERN } from '../../protocol/index.ts';

/** A key segment: no separators, never "." or ".." (a sample id from a device is foreign input). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Refuses any key a filesystem or object store could read as a path outside its root. */
export function checkBlobKey(key: string): string {
  const segments = key.split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new LookoutError('store', 'STORE_BAD_BLOB_KEY', `blob key ${JSON.stringify(key)}: bad segment`, { where: key });
    }
  }
  return key;
}

/** `samples/<device>/<yyyy-mm-dd>/<id>.jpg`, the date from the sample's device time (UTC). */
export function sampleBlobKey(deviceId: string, ts: number, id: string): string {
  if (!ID_PATTERN.test(deviceId)) {
    throw new LookoutError('store', 'STORE_BAD_BLOB_KEY', `device id ${JSON.stringify(deviceId)}`, { where: 'deviceId' });
  }
  if (!SEGMENT.test(id)) {
    throw new LookoutError('store', 'STORE_BAD_BLOB_KEY', `sample id ${JSON.stringify(id)} cannot name a file`, { where: 'id' });
  }
  const day = new Date(ts).toISOString().slice(0, 10);
  return checkBlobKey(`samples/${deviceId}/${day}/${id}.jpg`);
}
