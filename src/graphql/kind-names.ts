/** The names a kind takes in the schema, derived from its GraphQL type's. */

/** `ModelCard` → `MODEL_CARD`: a type's kind, its value of the AssetKind enum. */
export function kindOfTypeName(typeName: string): string {
  return typeName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

/** `MODEL_PARAMS` → `ModelParams`: a built-in kind's type. */
export function typeNameOfKind(kind: string): string {
  return kind
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * `Evaluation` → `evaluation`, `MLReview` → `mlReview`: the field of a
 * kind's register payload. A leading acronym is lower-cased whole, up to
 * the capital that starts the next word.
 */
export function lowerCamel(typeName: string): string {
  const acronym = /^[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)/.exec(typeName)?.[0] ?? typeName.charAt(0);
  return acronym.toLowerCase() + typeName.slice(acronym.length);
}
