import { z } from 'zod';

/** User settings kept by the host. Unknown keys are dropped; missing ones take their defaults. */
export const Settings = z.object({
  language: z.enum(['fr']).default('fr'),
  /** Minutes of inactivity before the mailbox locks itself (0 = never). */
  lockAfterMinutes: z.number().int().min(0).max(24 * 60).default(15),
  /** Show letter text in a monospace font (HPRIM reports are often laid out in columns). */
  monospaceLetters: z.boolean().default(true),
  /** The CPS card's PKCS#11 module when it is not in its usual place (Cryptolib CPS installed elsewhere). */
  cardModulePath: z.string().max(4096).optional(),
  /** Minutes without signing after which the card session is closed (0 = until the card is removed). */
  cardIdleMinutes: z.number().int().min(0).max(24 * 60).default(15),
  /**
   * First-launch wizard: false from the profile's creation until it is finished or skipped, then true.
   * Absent for profiles made before the wizard existed: they never see it.
   */
  wizardDone: z.boolean().optional(),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const defaultSettings = (): Settings => Settings.parse({});
