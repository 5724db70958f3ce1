export { ldapError, LdapDirectorySource, type LdapSourceConfig } from './ldap-source';
export { InMemoryDirectoryStore } from './memory-store';
export { DirectoryService, type CsvImportSummary, type LetterMove, type OnlineSearchResult } from './service';
export type { DirectorySourceInfo, DirectoryStore } from './store';
export { directoryServiceFor, MailboxDirectoryStore, recordCorrespondents, type DirectoryMailbox } from './mailbox-store';
