// The send pipeline: compose -> outbox -> sign -> encrypt -> SMTP -> "Envoyés".
export { DEFAULT_MAX_LETTER_BYTES, MAX_LETTER_BYTES, checkLetterSize, composeLetter, letterLimit, type ComposedLetter } from './compose';
export { buildOutgoingMessage, encodeHeaderValue, letterEntity, newMessageId, type OutgoingMessageInput } from './mime';
export { DEFAULT_SUBJECT, checkRecipients, effectiveSubject, subjectWarnings, type SubjectPatient } from './policy';
export {
  SendPipeline,
  type LetterSealer,
  type QueuedLetter,
  type SendPipelineOptions,
  type SendRunReport,
  type SmtpSender,
} from './pipeline';
