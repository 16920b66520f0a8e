namespace CrmActors.Grains.Organizations;

public static class FieldTypes
{
    public const string Text = "text";
    public const string TextArea = "textarea";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Number = "number";
    public const string Decimal = "decimal";
    public const string Boolean = "boolean";
    public const string Date = "date";
    public const string DateTime = "datetime";
    public const string Picklist = "picklist";
    public const string Lookup = "lookup";
    public const string FileUpload = "fileupload";
    public const string ImageUpload = "imageupload";

    public static readonly IReadOnlyList<string> All =
        [Text, TextArea, Email, Phone, Number, Decimal, Boolean, Date, DateTime, Picklist, Lookup, FileUpload, ImageUpload];

    public static bool IsUpload(string type) => type is FileUpload or ImageUpload;
}
