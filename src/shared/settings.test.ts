import { describe, expect, it } from 'vitest';
import { defaultSettings } from './settings';
import { DEFAULT_SETTINGS } from './settings-defaults';

describe('settings defaults', () => {
  it('the plain defaults the window starts with are the schema’s', () => {
    expect({ ...DEFAULT_SETTINGS }).toEqual(defaultSettings());
  });
});
