/** One broken rule, named by its dotted path (`data.patient.email`, `data.triggers.0.value`). */
export interface FieldError {
  field: string;
  message: string;
}
