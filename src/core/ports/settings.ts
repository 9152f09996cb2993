/** Installation settings an administrator changes at run time (the enabled methods). */
export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  /** Several keys in one read (the ones that are set). */
  getMany(keys: readonly string[]): Promise<Map<string, string>>;
  set(key: string, value: string): Promise<void>;
}
