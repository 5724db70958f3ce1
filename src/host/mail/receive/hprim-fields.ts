import { parseHprim, type HprimDocument } from '../../../core/hprim';
import type { LabInput, LetterInput } from '../../store/types';

export type HprimFields = Pick<LetterInput, 'patient' | 'documentDate' | 'labs' | 'review'>;

function samePatient(a: HprimDocument, b: HprimDocument): boolean {
  const pa = a.patient;
  const pb = b.patient;
  return pa.surname === pb.surname && pa.firstName === pb.firstName && pa.birthDate === pb.birthDate;
}

function labsOf(doc: HprimDocument): LabInput[] {
  return doc.lab.map((r) => {
    const lab: LabInput = { code: r.code || r.label, label: r.label, value: r.value };
    if (doc.documentDate) lab.date = doc.documentDate;
    if (r.unit) lab.unit = r.unit;
    if (r.lowValue !== undefined) lab.low = r.lowValue;
    if (r.highValue !== undefined) lab.high = r.highValue;
    // HPRIM also marks an abnormal value with `*` beside it, without a flag: keep that as 'A'.
    const flag = r.flag && r.flag !== 'N' ? r.flag : r.abnormal ? 'A' : (r.flag ?? r.flagRaw);
    if (flag) lab.flag = flag;
    return lab;
  });
}

/**
 * Patient, document date and lab results of a letter text in HPRIM (Médecins or Santé). A text that is
 * not HPRIM gives nothing; an HPRIM document that cannot be read fully gives a review reason.
 */
export function hprimFields(text: string): HprimFields {
  if (!text.trim()) return {};
  const file = parseHprim(text, { fieldsOnly: true });
  const first = file.documents[0];
  if (file.kind === 'unknown' || !first) return {};
  if (!first.valid) {
    return {
      review: {
        code: 'hprim_incomplete',
        message_fr:
          first.reason_fr ??
          'L’en-tête HPRIM de ce courrier est incomplet (nom, prénom ou date de naissance du patient) : vérifiez le patient avant de classer le courrier.',
      },
    };
  }
  const p = first.patient;
  const out: HprimFields = { patient: { surname: p.surname, firstName: p.firstName } };
  if (p.birthDate) out.patient!.birthDate = p.birthDate;
  if (p.nir) out.patient!.nir = p.nir;
  if (first.documentDate) out.documentDate = first.documentDate;
  const labs = file.documents.filter((d) => samePatient(d, first)).flatMap(labsOf);
  if (labs.length > 0) out.labs = labs;
  return out;
}
