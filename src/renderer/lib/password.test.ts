import { describe, expect, it } from 'vitest';
import { characterClasses, isAcceptable, passwordStrength } from './password';

describe('password strength hint', () => {
  it('follows the host rule: 10+ characters of 3 kinds, or a 16+ character phrase', () => {
    expect(isAcceptable('Abcdefgh1')).toBe(false);
    expect(isAcceptable('Abcdefgh12')).toBe(true);
    expect(isAcceptable('abcdefghij12')).toBe(false);
    expect(isAcceptable('une phrase assez longue')).toBe(true);
    expect(isAcceptable('é'.repeat(16))).toBe(true);
  });
  it('grades from empty to strong', () => {
    expect(passwordStrength('')).toBe('empty');
    expect(passwordStrength('abc')).toBe('weak');
    expect(passwordStrength('abcdefgh')).toBe('fair');
    expect(passwordStrength('Abcdefgh12')).toBe('good');
    expect(passwordStrength('Abcdefgh12!xyz')).toBe('strong');
    expect(passwordStrength('le chat dort sur le mur')).toBe('strong');
  });
  it('counts kinds of characters, accents included', () => {
    expect(characterClasses('éÉ1!')).toBe(4);
    expect(characterClasses('abc')).toBe(1);
  });
});
