/** What a device may call a reading: ingestion refuses any other id, and the OpenAPI document states it. */
export const READING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A reading's identity across the platform (docs/adr/0006-reading-identity.md): devices choose their
 * reading ids, so only the pair of device and reading id is unique. As one string, for maps and
 * sorting; the device id's length keeps it unambiguous.
 */
export const readingIdentity = (reading: { deviceId: string; readingId: string }): string =>
  `${reading.deviceId.length}:${reading.deviceId}${reading.readingId}`;
