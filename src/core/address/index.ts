export {
  type Address,
  type AddressCheck,
  type AddressKind,
  addressKey,
  checkAddress,
  classifyAddress,
  isValidAddress,
  normalizeAddress,
  parseAddress,
  splitAddressList,
  trailerRecipient,
} from './address';
