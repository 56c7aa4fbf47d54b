import type { Selectable } from 'kysely';
import type { Device } from '../devices/domain/device.js';
import type { DeviceKey } from '../keys/domain/device-key.js';
import type { RegistryDatabase } from './registry.schema.js';

// Rows of the registry's tables, to and from the domain's devices and keys.
type DeviceRow = Selectable<RegistryDatabase['devices']>;
type KeyRow = Selectable<RegistryDatabase['device_keys']>;

export const deviceToRow = (d: Device): DeviceRow => ({
  id: d.id,
  name: d.name,
  type: d.type,
  custom_type: d.customType,
  site: d.location.site,
  zone: d.location.zone,
  latitude: d.location.latitude,
  longitude: d.location.longitude,
  owner_email: d.ownerEmail,
  status: d.status,
  labels: JSON.stringify(d.labels),
  create_time: d.createTime,
  update_time: d.updateTime,
});

export const deviceFromRow = (r: DeviceRow): Device => ({
  id: r.id,
  name: r.name,
  type: r.type,
  customType: r.custom_type,
  location: { site: r.site, zone: r.zone, latitude: r.latitude, longitude: r.longitude },
  ownerEmail: r.owner_email,
  status: r.status,
  labels: JSON.parse(r.labels) as Record<string, string>,
  createTime: Number(r.create_time),
  updateTime: Number(r.update_time),
});

export const keyToRow = (k: DeviceKey): KeyRow => ({
  key_id: k.keyId,
  device_id: k.deviceId,
  state: k.state,
  description: k.description,
  prefix: k.prefix,
  secret_hash: k.secretHash,
  create_time: k.createTime,
  revoke_time: k.revokeTime,
  last_used_time: k.lastUsedTime,
  expire_time: k.expireTime,
  replacement_key_id: k.replacementKeyId,
});

export const keyFromRow = (r: KeyRow): DeviceKey => ({
  keyId: r.key_id,
  deviceId: r.device_id,
  state: r.state,
  description: r.description,
  prefix: r.prefix,
  secretHash: r.secret_hash,
  createTime: Number(r.create_time),
  revokeTime: r.revoke_time === null ? null : Number(r.revoke_time),
  lastUsedTime: r.last_used_time === null ? null : Number(r.last_used_time),
  expireTime: r.expire_time === null ? null : Number(r.expire_time),
  replacementKeyId: r.replacement_key_id,
});
