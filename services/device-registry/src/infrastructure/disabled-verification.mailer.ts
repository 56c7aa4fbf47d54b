import type { VerificationMailer } from '../devices/verification-mailer.port.js';

/** Used when SEND_VERIFICATION_EMAILS=false: requests for an email are refused loudly in the log. */
export class DisabledVerificationMailer implements VerificationMailer {
  sendVerification(): Promise<void> {
    return Promise.reject(new Error('verification emails are disabled (SEND_VERIFICATION_EMAILS=false)'));
  }
}
