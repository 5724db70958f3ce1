// Group practices: routing received letters to doctors, and who may do what (pure).
export * from './types';
export { RoutingDirectory, routeLetter, ruleKey } from './route';
export { matchName, nameTokens, personTokens, type NameMatch } from './names';
export { decide, type Action, type Actor, type Decision, type FolderScope, type PolicyContext, type Role, type Target } from './policy';
