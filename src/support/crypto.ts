/**
 * Attachments at rest: AES-256-GCM with a fresh random 12-byte IV per file, bound to its case (the
 * case id is the additional authenticated data, so a file copied into another case does not decrypt).
 * Stored as one value: version byte, IV, 16-byte tag, ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class AttachmentKey {
  readonly key: Buffer;
  /** A short fingerprint stored with each file, so a changed key is told apart from damaged data. */
  readonly id: string;
  constructor(hex: string) {
    this.key = Buffer.from(hex, 'hex');
    if (this.key.length !== 32) throw new Error('the attachment key must be 32 bytes');
    this.id = createHash('sha256').update('kabuto-attachment-key').update(this.key).digest('hex').slice(0, 16);
  }
}

const aad = (caseId: number) => Buffer.from(`kabuto:support-attachment:case:${caseId}`);

export function encrypt(k: AttachmentKey, caseId: number, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(caseId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export class DecryptError extends Error {}

export function decrypt(k: AttachmentKey, caseId: number, stored: Buffer, keyId: string): Buffer {
  if (keyId !== k.id) throw new DecryptError(`the file was encrypted with another key (${keyId}); this process has ${k.id}`);
  if (stored.length < 1 + IV_BYTES + TAG_BYTES || stored[0] !== VERSION) throw new DecryptError('not an encrypted attachment of a known version');
  const iv = stored.subarray(1, 1 + IV_BYTES);
  const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(caseId));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptError('the file does not decrypt: damaged, or moved from another case');
  }
}
