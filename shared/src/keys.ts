// The Keys screen's contract: what a seller sends to add a WB credential, and what they see afterwards.
import { z } from 'zod';
import { CREDENTIAL_KINDS } from './domain.ts';

export const MAX_KEYS_PER_KIND = 5;

export const AddKeyInput = z.object({
  kind: z.enum(CREDENTIAL_KINDS),
  name: z.string().trim().min(1, 'give the key a name').max(64, 'at most 64 characters'),
  secret: z.string().trim().min(1, 'paste the key').max(8192, 'too long for a WB key'),
  shareFeed: z.boolean().optional(),
});
export type AddKeyInput = z.infer<typeof AddKeyInput>;

export interface KeySummary {
  id: string;
  kind: (typeof CREDENTIAL_KINDS)[number];
  name: string;
  sellerName: string | null;
  hint: string;
  valid: boolean;
  shareFeed: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastError: string | null;
  createdAt: string;
}
