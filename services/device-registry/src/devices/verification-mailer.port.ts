import type { Device } from './domain/device.js';

/** Sends a new device's owner the verification email. */
export interface VerificationMailer {
  sendVerification(device: Device): Promise<void>;
}
