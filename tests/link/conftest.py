# ruff: noqa: E501  (vocabulary records are written verbatim in their published layout)
"""Small vocabulary files written in exactly their published schemas (NLM MeSH XML,
CTD TSV, OBO 1.4, biolite's TSV) and a linker learnt from the real CDR training set."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

MESH_DESC = """<?xml version="1.0"?>
<!DOCTYPE DescriptorRecordSet SYSTEM "https://www.nlm.nih.gov/databases/dtd/nlmdescriptorrecordset_20250101.dtd">
<DescriptorRecordSet LanguageCode = "eng">
<DescriptorRecord DescriptorClass = "1">
  <DescriptorUI>D009203</DescriptorUI>
  <DescriptorName><String>Myocardial Infarction</String></DescriptorName>
  <DateCreated><Year>1999</Year><Month>01</Month><Day>01</Day></DateCreated>
  <AllowableQualifiersList>
    <AllowableQualifier><QualifierReferredTo><QualifierUI>Q000097</QualifierUI>
      <QualifierName><String>blood</String></QualifierName></QualifierReferredTo>
      <Abbreviation>BL</Abbreviation></AllowableQualifier>
  </AllowableQualifiersList>
  <TreeNumberList><TreeNumber>C14.280.647.500</TreeNumber><TreeNumber>C23.550.513.355.750</TreeNumber></TreeNumberList>
  <ConceptList>
    <Concept PreferredConceptYN="Y">
      <ConceptUI>M0014340</ConceptUI>
      <ConceptName><String>Myocardial Infarction</String></ConceptName>
      <TermList>
        <Term ConceptPreferredTermYN="Y" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="Y">
          <TermUI>T027466</TermUI><String>Myocardial Infarction</String></Term>
        <Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
          <TermUI>T027467</TermUI><String>Heart Attack</String></Term>
        <Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
          <TermUI>T027468</TermUI><String>Infarction, Myocardial</String></Term>
      </TermList>
    </Concept>
  </ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass = "1">
  <DescriptorUI>D015738</DescriptorUI>
  <DescriptorName><String>Famotidine</String></DescriptorName>
  <TreeNumberList><TreeNumber>D03.383.333.400</TreeNumber></TreeNumberList>
  <ConceptList>
    <Concept PreferredConceptYN="Y"><ConceptUI>M0025240</ConceptUI>
      <ConceptName><String>Famotidine</String></ConceptName>
      <TermList><Term ConceptPreferredTermYN="Y" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="Y">
        <TermUI>T049997</TermUI><String>Famotidine</String></Term>
        <Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="TRD" RecordPreferredTermYN="N">
        <TermUI>T049999</TermUI><String>Pepcid</String></Term></TermList>
    </Concept>
  </ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass = "1">
  <DescriptorUI>D001943</DescriptorUI>
  <DescriptorName><String>Breast Neoplasms</String></DescriptorName>
  <TreeNumberList><TreeNumber>C04.588.180</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M0002762</ConceptUI>
    <ConceptName><String>Breast Neoplasms</String></ConceptName>
    <TermList><Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
      <TermUI>T005063</TermUI><String>Breast Cancer</String></Term></TermList></Concept></ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass = "1">
  <DescriptorUI>D010051</DescriptorUI>
  <DescriptorName><String>Ovarian Neoplasms</String></DescriptorName>
  <TreeNumberList><TreeNumber>C04.588.322.455</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M0015520</ConceptUI>
    <ConceptName><String>Ovarian Neoplasms</String></ConceptName>
    <TermList><Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
      <TermUI>T029898</TermUI><String>Ovarian Cancer</String></Term></TermList></Concept></ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass = "1">
  <DescriptorUI>D003924</DescriptorUI>
  <DescriptorName><String>Diabetes Mellitus, Type 2</String></DescriptorName>
  <TreeNumberList><TreeNumber>C18.452.394.750.149</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M0006163</ConceptUI>
    <ConceptName><String>Diabetes Mellitus, Type 2</String></ConceptName>
    <TermList><Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
      <TermUI>T011980</TermUI><String>Type II Diabetes Mellitus</String></Term></TermList></Concept></ConceptList>
</DescriptorRecord>
</DescriptorRecordSet>
"""

MESH_SUPP = """<?xml version="1.0"?>
<SupplementalRecordSet LanguageCode = "eng">
<SupplementalRecord SCRClass = "1">
  <SupplementalRecordUI>C000002</SupplementalRecordUI>
  <SupplementalRecordName><String>bevonium</String></SupplementalRecordName>
  <HeadingMappedToList><HeadingMappedTo><DescriptorReferredTo><DescriptorUI>*D001561</DescriptorUI>
    <DescriptorName><String>Benzilates</String></DescriptorName></DescriptorReferredTo></HeadingMappedTo></HeadingMappedToList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M0000002</ConceptUI>
    <ConceptName><String>bevonium</String></ConceptName>
    <TermList><Term ConceptPreferredTermYN="Y" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="Y">
      <TermUI>T000003</TermUI><String>bevonium</String></Term>
      <Term ConceptPreferredTermYN="N" IsPermutedTermYN="N" LexicalTag="NON" RecordPreferredTermYN="N">
      <TermUI>T000004</TermUI><String>bevonium methyl sulfate</String></Term></TermList></Concept></ConceptList>
</SupplementalRecord>
<SupplementalRecord SCRClass = "3">
  <SupplementalRecordUI>C535287</SupplementalRecordUI>
  <SupplementalRecordName><String>Fanconi Bickel syndrome</String></SupplementalRecordName>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M0484120</ConceptUI>
    <ConceptName><String>Fanconi Bickel syndrome</String></ConceptName></Concept></ConceptList>
</SupplementalRecord>
</SupplementalRecordSet>
"""

CTD_DISEASES = """# Comparative Toxicogenomics Database (CTD) - https://ctdbase.org
#
# Fields:
# DiseaseName\tDiseaseID\tAltDiseaseIDs\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms\tSlimMappings
#
Delirium\tMESH:D003693\tDO:DOID:0060164|OMIM:123456\tA disorder characterized by confusion\tMESH:D019965\tC10.597.606.337.500\tC10.597.606.337\tAcute Confusional State|Delirium of Mixed Origin\tMental disorder|Nervous system disease
Status Epilepticus\tMESH:D013226\t\t\tMESH:D004827\tC10.228.140.490.950\tC10.228.140.490\tEpilepticus, Status|Status Epilepticus, Generalized\tNervous system disease
"""

CTD_CHEMICALS = """# Comparative Toxicogenomics Database (CTD) - https://ctdbase.org
#
# Fields:
# ChemicalName\tChemicalID\tCasRN\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms
#
Famotidine\tMESH:D015738\t76824-35-6\tA competitive histamine H2-receptor antagonist\tMESH:D006636\tD03.383.333.400\tD03.383.333\tPepcid|YM-11170
Lithium Carbonate\tMESH:D016651\t554-13-2\t\tMESH:D008094\tD01.362.369.500\tD01.362.369\tLithane|Lithobid
"""

OBO = """format-version: 1.2
data-version: mondo/releases/2025-01-07/mondo.owl
ontology: mondo

[Term]
id: MONDO:0005148
name: type 2 diabetes mellitus
synonym: "NIDDM" EXACT [OMIM:125853]
synonym: "adult-onset diabetes" RELATED []
synonym: "diabetes, type 2, with complications" NARROW []
xref: MESH:D003924 {source="MONDO:equivalentTo"}

[Term]
id: MONDO:0000001
name: obsolete disease term
is_obsolete: true

[Typedef]
id: part_of
name: part of
"""

TSV = """id\ttype\tname\tsynonyms
NCBITaxon:9606\tSpecies\tHomo sapiens\thuman|man|patients
NCBITaxon:10090\tSpecies\tMus musculus\tmouse|mice
"""


def write(path: Path, text: str, compress: bool = False) -> Path:
    if compress:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def vocab_files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("vocab")
    return {
        "mesh": write(root / "desc2025.xml.gz", MESH_DESC, compress=True),
        "mesh-supp": write(root / "supp2025.xml", MESH_SUPP),
        "ctd-diseases": write(root / "CTD_diseases.tsv.gz", CTD_DISEASES, compress=True),
        "ctd-chemicals": write(root / "CTD_chemicals.tsv", CTD_CHEMICALS),
        "obo": write(root / "mondo.obo", OBO),
        "tsv": write(root / "species.tsv", TSV),
    }
