/** Installation settings an administrator changes at run time (the enabled methods). */
export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}
