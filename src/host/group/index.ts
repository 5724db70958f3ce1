// Group practices: setup, people's access (policy + audit), routing of received letters, group key lock.
export { validatePractice, loadPractice, savePractice, rememberCard, routingDoctors, policyContext, doctorName, PRACTICE_SETTING } from './practice';
export type { PracticeSetup, PracticeDoctor, StaffMember } from './practice';
export { GroupAccess, auditCsv, A_TRIER_NAME, type AuditEntry, type AccessMailbox } from './access';
export { GroupRouter, RULES_SETTING, ROUTER_ACTOR, type RouteInput, type RoutedLetter, type GroupFolders, type RouterMailbox } from './router';
export { GroupKeyLock, installationId, LOCK_FILE, DEFAULT_STALE_MS, type LockRecord, type GroupKeyLockOptions } from './key-lock';
export { actorOf } from './session';
