/** Words every program is full of; they say nothing about what one change was about. */
export const CODE_KEYWORDS = new Set(
  (
    'abstract and any as assert async await bool boolean break byte case catch char class const continue def default defer del ' +
    'delete do double elif else enum export extends false final finally float fn for from func function get go goto if impl ' +
    'implements import in instanceof int interface is lambda let long match mod module mut namespace new nil none not null ' +
    'number object of or package pass println print private protected pub public raise readonly record ref return self short ' +
    'static str string struct super switch sync this throw throws trait true try type typeof undefined unsafe use usize val var ' +
    'void volatile where while with yield len err nil fmt std vec string_view require exports console log the and for with redacted'
  ).split(' '),
);
