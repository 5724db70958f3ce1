export { parseNir, nirKey, isNirValid, formatNir, maskNir, type Nir } from '../../shared/nir';
export { parseDate, parseHprimSanteDate, formatFrDate, isStrictFrDate, type DateParseOptions } from './dates';
export { normalizeName } from './names';
