import 'reflect-metadata';
import { getMetadataStorage, IsInt, IsString, Max, MinLength, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata.cache';

memoizeValidationMetadata();

class Person {
  @IsString()
  @MinLength(2)
  name!: string;
}

class Patient extends Person {
  @IsInt()
  @Max(120)
  age!: number;
}

function errorsOf(instance: object): string[] {
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })
    .map((error) => `${error.property}: ${Object.keys(error.constraints ?? {}).join(',')}`)
    .sort();
}

describe('memoizeValidationMetadata', () => {
  it('validates own and inherited rules exactly as class-validator does', () => {
    const patient = Object.assign(new Patient(), { name: 'A', age: 130, extra: true });
    expect(errorsOf(patient)).toEqual([
      'age: max',
      'extra: whitelistValidation',
      'name: minLength',
    ]);
    expect(errorsOf(Object.assign(new Patient(), { name: 'Ada', age: 36 }))).toEqual([]);
  });

  it('answers a repeated look-up from its cache', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Patient, '', false, false);
    const second = storage.getTargetValidationMetadatas(Patient, '', false, false);
    expect(second).toBe(first);
    expect(first).toHaveLength(4);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(second));
  });

  it('keeps separate answers for different groups', () => {
    class Grouped {
      @IsString({ always: true })
      label!: string;

      @IsString({ groups: ['strict'] })
      code!: string;
    }
    const instance = Object.assign(new Grouped(), { label: 'x', code: 7 });
    expect(validateSync(instance, { groups: ['strict'] })).toHaveLength(1);
    expect(validateSync(instance, { groups: ['lenient'] })).toHaveLength(0);
  });

  it('serves a class that registers its rules after the cache was filled', () => {
    expect(errorsOf(Object.assign(new Patient(), { name: 'Ada', age: 36 }))).toEqual([]);
    // Declared after the look-ups above: a later-loaded module's DTO extending a cached one.
    class Inpatient extends Patient {
      @IsString()
      ward!: string;
    }
    expect(errorsOf(Object.assign(new Inpatient(), { name: 'Ada', age: 36, ward: 3 }))).toEqual([
      'ward: isString',
    ]);
    expect(errorsOf(Object.assign(new Inpatient(), { name: 'A', age: 36, ward: 'B2' }))).toEqual([
      'name: minLength',
    ]);
  });

  it('installs itself once however often it is called', () => {
    const lookupOf = () => Reflect.get(getMetadataStorage(), 'getTargetValidationMetadatas');
    const installed = lookupOf();
    memoizeValidationMetadata();
    expect(lookupOf()).toBe(installed);
  });
});
